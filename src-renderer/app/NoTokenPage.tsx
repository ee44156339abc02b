/** The one page a browser gets without the launch token: how to open the workbench properly. */
export function NoTokenPage() {
  return (
    <div className="no-token-page" role="main">
      <h1>
        pose<span>bench</span>
      </h1>
      <p>
        This page needs the address that <code>posebench serve</code> printed when it started, for example
      </p>
      <pre>http://127.0.0.1:PORT/?token=…</pre>
      <p>
        The token in it is made anew at each start and keeps other pages and programs away from your workspace. Copy that whole line from the terminal where{' '}
        <code>npx posebench serve</code> runs (start it if it is not running) and open it here.
      </p>
    </div>
  );
}
