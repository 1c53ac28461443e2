/** Running counts of one stage, read by the run summary, the drain check and the metrics endpoint. */

export class StageCounters {
  /** Messages taken off the input topic and handled (committed). */
  received = 0;
  /** Items passed downstream (published or stored). */
  emitted = 0;
  /** Messages routed to the dead-letter topic. */
  deadLettered = 0;
  /** Items that were already stored (re-deliveries, replays). */
  duplicates = 0;
  batches = 0;
  /** Handler attempts that failed and left their batch uncommitted for redelivery. */
  failedBatches = 0;

  snapshot(): Readonly<Record<string, number>> {
    return {
      received: this.received,
      emitted: this.emitted,
      deadLettered: this.deadLettered,
      duplicates: this.duplicates,
      batches: this.batches,
      failedBatches: this.failedBatches,
    };
  }
}
