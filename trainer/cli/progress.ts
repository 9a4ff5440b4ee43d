/** A one-line progress bar on stderr; silent when stderr is not a terminal or in --json mode. */
export class Progress {
  private readonly live: boolean;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    quiet = false,
  ) {
    this.live = !quiet && process.stderr.isTTY === true;
  }

  update(done: number): void {
    if (!this.live) return;
    const now = Date.now();
    if (done < this.total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((done / Math.max(1, this.total)) * width);
    process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total}`);
    if (done >= this.total) process.stderr.write('\n');
  }
}
