export function RunsView() {
  return <div className="view"><div className="empty">RunsView: coming next.</div></div>;
}
