import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/**
 * One supervised process, as systemd runs a unit with Restart=always: whenever it exits (kill -9, a crash, a
 * failed boot while the database is down) it is started again after `restartMs` (RestartSec). Output goes
 * straight to a log file (the child holds the file descriptor), so nothing here has to keep reading it.
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Restart=
 */
export interface SupervisedOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  /** RestartSec: the pause before a restart (default 300 ms). */
  restartMs?: number;
  log?: (line: string) => void;
}

export class Supervised {
  private child: ChildProcess | null = null;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | null = null;
  /** How many times the process was started again after an exit. */
  restarts = 0;

  constructor(private readonly o: SupervisedOptions) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get name(): string {
    return this.o.name;
  }

  start(): void {
    if (this.stopping) return;
    const fd = fs.openSync(this.o.logFile, 'a');
    // Its own process group: a Ctrl-C in the terminal reaches the supervisor only, which then stops its
    // children in order, as systemd decides for its units (no child restarted while everything stops).
    const child = spawn(this.o.command, this.o.args, { cwd: this.o.cwd, env: this.o.env, stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    this.child = child;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        resolve();
        if (this.stopping) return;
        this.o.log?.(`${this.o.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); restarting in ${this.o.restartMs ?? 300} ms`);
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          this.restarts++;
          this.start();
        }, this.o.restartMs ?? 300);
      });
      child.once('error', (err) => this.o.log?.(`${this.o.name}: ${err.message}`));
    });
  }

  /** kill -9, as a crash would: the exit is observed (and the restart scheduled) before this resolves. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops for good: SIGTERM (the app closes its server, queues and pool), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
