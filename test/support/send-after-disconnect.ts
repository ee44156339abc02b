// A worker that keeps sending to its parent after the parent closed the channel (send-to-engine.test.ts).
import { sendToEngine } from '../../src-main/engine/background/low-priority-process.ts';

sendToEngine({ ready: true });
process.on('disconnect', () => {
  sendToEngine({ late: true });
  // Give an uncaught ERR_IPC_CHANNEL_CLOSED the chance to surface before leaving.
  setTimeout(() => process.exit(0), 200);
});
