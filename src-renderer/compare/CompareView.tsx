export function CompareView() {
  return <div className="view"><div className="empty">CompareView: coming next.</div></div>;
}
