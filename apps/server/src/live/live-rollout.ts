import type { Priority } from '@loa-xa/protocol';
import type { Principal } from '../access/scope';
import type { TargetDto } from '../broadcasts/target.dto';

export const LIVE_ROLLOUT = 'LIVE_ROLLOUT';

/** How a live session reaches the loudspeakers: play_now with a stream, then stop (the broadcasts module). */
export interface LiveRollout {
  /** Refuses (throws Nest HTTP exceptions) a target/priority this principal may not use; returns the number of clusters it reaches. */
  check(principal: Principal, target: TargetDto, priority: Priority): Promise<number>;
  /** Sends play_now with `stream` to every target cluster; streamUrlFor gives each cluster its own signed URL. */
  start(
    principal: Principal,
    live: {
      sessionId: string;
      title: string;
      target: TargetDto;
      priority: Priority;
      volume?: number;
      streamUrlFor: (clusterId: string) => string;
    },
  ): Promise<{ broadcastId: string; clusters: number }>;
  /** Sends stop (ref = session id) to the same clusters. */
  stop(
    principal: Principal,
    live: { sessionId: string; broadcastId: string; priority: Priority },
  ): Promise<void>;
}
