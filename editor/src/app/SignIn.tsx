// Shown when the server does not know the browser: how to sign in, and that designing works without it.
import { useState } from 'react';
import { connectToServer, useServerData } from '../api/server-data.ts';
import { setToken } from '../api/token.ts';

export function SignInBanner() {
  const offline = useServerData((d) => d.offline);
  const [text, setText] = useState('');
  if (!offline) return null;
  return (
    <div className="banner" role="status">
      <span>
        Not connected to the server: {offline} You can still design, import and export journeys.
      </span>
      <form
        className="inline-fields"
        onSubmit={(e) => {
          e.preventDefault();
          const token = new URL(text.trim(), window.location.origin).searchParams.get('token') ?? text.trim();
          if (!token) return;
          setToken(token);
          void connectToServer();
        }}
      >
        <label htmlFor="sign-in-token">Sign-in link or token</label>
        <input id="sign-in-token" type="text" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Sign in</button>
      </form>
    </div>
  );
}
