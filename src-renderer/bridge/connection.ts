/**
 * Whether the page still reaches `posebench serve` (web only): 'lost' once the event socket closes
 * and a reconnect fails, or an API call gets no answer; 'ok' again when the socket reopens.
 */
import { create } from 'zustand';

export type ConnectionState = 'ok' | 'lost';

export const useConnection = create<{ state: ConnectionState; set(state: ConnectionState): void }>((set) => ({
  state: 'ok',
  set: (state) => set({ state }),
}));

export const setConnection = (state: ConnectionState): void => {
  if (useConnection.getState().state !== state) useConnection.getState().set(state);
};
