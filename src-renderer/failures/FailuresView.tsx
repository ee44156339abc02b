export function FailuresView() {
  return <div className="view"><div className="empty">FailuresView: coming next.</div></div>;
}
