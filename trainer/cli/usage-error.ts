/**
 * A problem with what the user asked for or gave us (flags, files, data), as opposed to a bug.
 * The CLI prints `problem` and `fix` on one line and exits with code 2, writing nothing.
 */
export class UsageError extends Error {
  readonly fix: string;
  readonly exitCode = 2;

  constructor(problem: string, fix: string) {
    super(problem);
    this.name = 'UsageError';
    this.fix = fix;
  }

  /** The one line the CLI prints. */
  get line(): string {
    return `graft: ${this.message} — ${this.fix}`;
  }
}
