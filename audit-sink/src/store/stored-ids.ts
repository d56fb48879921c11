/**
 * What the store knows about which ids of one table are stored, so that most rows need no look-up.
 *
 * It keeps the ids it saw stored (written by this process, or found by a look-up) in a bounded set, and a watermark:
 * a time such that every stored row whose id is not in the set has a time at or below it. When the store opens
 * alone on its data (chDB: one process per directory), the watermark starts at the latest time stored, and from then
 * on every row it stores is added to the set; a row evicted from the set, or a row whose insert failed (it may be
 * stored or not), raises the watermark to its time. Hence a row whose id is not in the set and whose time is above
 * the watermark cannot be stored yet: the same id always comes with the same time (an event's time; a request's
 * start, copied from its client message into every reply). Only the other rows, older than the watermark and not
 * in the set, need a look-up. With a `null` watermark (a shared server other writers also fill) every row not in
 * the set is looked up.
 *
 * Times are `DateTime64(3)` literals (`YYYY-MM-DD hh:mm:ss.mmm`, years 1900–2299), which compare as strings.
 */
export class StoredIds<Row> {
  private readonly ids = new Set<string>();
  /** Insertion-ordered ring of the ids in `ids`, with their times, for eviction. */
  private readonly ringIds: string[] = [];
  private readonly ringTimes: string[] = [];
  private head = 0;

  constructor(
    private readonly keyOf: (row: Row) => string,
    private readonly timeOf: (row: Row) => string,
    /** See the class comment; `''` when nothing is stored, `null` when nothing can be vouched for. */
    private watermark: string | null,
    private readonly capacity: number,
  ) {}

  /**
   * Splits distinct rows into those known stored, those certainly not stored, and those that must be looked up.
   */
  classify(rows: readonly Row[]): { stored: Row[]; unstored: Row[]; unsure: Row[] } {
    const stored: Row[] = [];
    const unstored: Row[] = [];
    const unsure: Row[] = [];
    const watermark = this.watermark;
    for (const row of rows) {
      if (this.ids.has(this.keyOf(row))) stored.push(row);
      else if (watermark !== null && this.timeOf(row) > watermark) unstored.push(row);
      else unsure.push(row);
    }
    return { stored, unstored, unsure };
  }

  /** Records rows as stored: inserted, or found by a look-up. */
  remember(rows: readonly Row[]): void {
    for (const row of rows) {
      const id = this.keyOf(row);
      if (this.ids.has(id)) continue;
      if (this.ringIds.length < this.capacity) {
        this.ringIds.push(id);
        this.ringTimes.push(this.timeOf(row));
      } else {
        this.ids.delete(this.ringIds[this.head]!);
        this.raise(this.ringTimes[this.head]!);
        this.ringIds[this.head] = id;
        this.ringTimes[this.head] = this.timeOf(row);
        this.head = (this.head + 1) % this.capacity;
      }
      this.ids.add(id);
    }
  }

  /** Records rows whose insert failed: they may be stored or not, so a later copy of them is looked up. */
  distrust(rows: readonly Row[]): void {
    for (const row of rows) this.raise(this.timeOf(row));
  }

  /** Number of ids held (at most the capacity). */
  get size(): number {
    return this.ids.size;
  }

  private raise(time: string): void {
    if (this.watermark !== null && time > this.watermark) this.watermark = time;
  }
}
