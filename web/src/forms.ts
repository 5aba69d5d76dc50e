import type { FormEvent } from 'react';

/**
 * A form's submit handler for asynchronous work. React does not wait for a handler's promise, so the
 * browser's own submission is prevented here, before the work starts, and a failure the work does not
 * catch itself (each form shows its own errors) is logged rather than lost as an unhandled rejection.
 */
export function onSubmitAsync(
  work: (e: FormEvent<HTMLFormElement>) => Promise<void>,
): (e: FormEvent<HTMLFormElement>) => void {
  return (e) => {
    e.preventDefault();
    work(e).catch((err: unknown) => console.error('the form could not be sent', err));
  };
}
