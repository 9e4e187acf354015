// Talking to a bench's helper process (a fork): one request, one answer, or the reason it never came.
import type { ChildProcess } from 'node:child_process';

/** Sends `message` and resolves with the child's next answer; rejects on its `{ error }` answer or on its exit. */
export function ask<T>(child: ChildProcess, message: object, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${what} exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (answer: T & { error?: string }) => {
      child.off('exit', onExit);
      if (answer.error) reject(new Error(answer.error));
      else resolve(answer);
    });
    child.send(message);
  });
}

/** Asks the child to stop with `message` and waits until it has exited. */
export async function stopChild(child: ChildProcess, message: object): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send(message);
  await exited;
}
