// A destructive action behind a second click: "Delete…" opens a confirmation, whose button runs it. Focus moves to
// the confirming button when it opens and back to the opening one when it closes, so a keyboard user never loses it.
import { useEffect, useRef, useState } from 'react';

/** The message of anything thrown, for a person to read. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function useConfirmedAction(action: () => Promise<void>) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  return {
    confirming,
    busy,
    error,
    confirmRef,
    openRef,
    ask: () => setConfirming(true),
    cancel: () => {
      setConfirming(false);
      requestAnimationFrame(() => openRef.current?.focus());
    },
    /** Runs the action; a refusal is shown with the confirmation still open, to try again or keep the thing. */
    run: async () => {
      setBusy(true);
      setError(undefined);
      try {
        await action();
      } catch (e) {
        setError(errorText(e));
        setBusy(false);
      }
    },
  };
}
