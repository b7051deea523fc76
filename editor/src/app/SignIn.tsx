// Shown when the server does not know the browser: how to sign in, and that designing works without it.
import { useState } from 'react';
import { connectToServer, useServerData } from '../api/server-data.ts';
import { signInWith } from '../api/token.ts';

export function SignInBanner() {
  const offline = useServerData((d) => d.offline);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  if (!offline) return null;
  return (
    <div className="banner" role="status">
      <span>Not connected to the server: {error ?? offline} You can still design, import and export journeys.</span>
      <form
        className="inline-fields"
        onSubmit={(e) => {
          e.preventDefault();
          signInWith(text).then(
            () => {
              setError(undefined);
              void connectToServer();
            },
            (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
          );
        }}
      >
        <label htmlFor="sign-in-token">Sign-in link or token</label>
        <input id="sign-in-token" type="text" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Sign in</button>
      </form>
    </div>
  );
}
