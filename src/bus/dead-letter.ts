/** Dead letters: a poison message re-addressed to the DLQ topic, unchanged, with why and where it failed in headers. */
import type { BusMessage, OutgoingMessage } from '../core/bus.ts';

export const DEAD_LETTER_HEADERS = {
  error: 'x-bellwether-error',
  stage: 'x-bellwether-stage',
  sourceTopic: 'x-bellwether-source-topic',
  sourcePartition: 'x-bellwether-source-partition',
  sourceOffset: 'x-bellwether-source-offset',
  failedAt: 'x-bellwether-failed-at',
} as const;

/** Reasons can carry whole stack traces or payload excerpts; headers are not the place for those. */
const MAX_REASON_CHARS = 2_000;

export interface DeadLetterInfo {
  error: string;
  stage: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  failedAt: string;
}

/**
 * The DLQ copy of `message`: same key and payload bytes, its own headers kept, plus the failure headers.
 * `stage` names who gave up on it (e.g. 'scorer'), `reason` why (e.g. describeError(err)).
 */
export function deadLetter(
  message: BusMessage,
  stage: string,
  reason: string,
  now: Date = new Date(),
): OutgoingMessage {
  const error = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.error]: error,
      [DEAD_LETTER_HEADERS.stage]: stage,
      [DEAD_LETTER_HEADERS.sourceTopic]: message.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(message.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
      [DEAD_LETTER_HEADERS.failedAt]: now.toISOString(),
    },
  };
}

/** Reads the failure headers back (DLQ consumers, tests); undefined for a message that is not a dead letter. */
export function readDeadLetter(
  headers: Readonly<Record<string, string>>,
): DeadLetterInfo | undefined {
  const error = headers[DEAD_LETTER_HEADERS.error];
  const stage = headers[DEAD_LETTER_HEADERS.stage];
  const sourceTopic = headers[DEAD_LETTER_HEADERS.sourceTopic];
  const partition = headers[DEAD_LETTER_HEADERS.sourcePartition];
  const sourceOffset = headers[DEAD_LETTER_HEADERS.sourceOffset];
  const failedAt = headers[DEAD_LETTER_HEADERS.failedAt];
  if (
    error === undefined ||
    stage === undefined ||
    sourceTopic === undefined ||
    partition === undefined ||
    sourceOffset === undefined ||
    failedAt === undefined
  ) {
    return undefined;
  }
  return { error, stage, sourceTopic, sourcePartition: Number(partition), sourceOffset, failedAt };
}
