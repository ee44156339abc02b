export function BrowseView() {
  return <div className="view"><div className="empty">BrowseView: coming next.</div></div>;
}
