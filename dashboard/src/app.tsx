/**
 * The app: sign in first (a key from a sign-in link, the one kept for this tab, or the form), then the
 * pages. A 401 on any later request (the key was revoked) signs out with the reason.
 */
import { useEffect, useMemo, useState } from 'react';
import { createClient } from './api/client.ts';
import { endpoints } from './api/endpoints.ts';
import { Layout } from './components/layout.tsx';
import { Loading } from './components/notice.tsx';
import { ApiProvider } from './data.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { Pages } from './pages/pages.tsx';
import { Router } from './router.tsx';
import { forgetKey, SignInError, signIn, storedKey, storeKey, takeKeyFromFragment, type Session } from './session.ts';

type Phase = { kind: 'checking' } | { kind: 'signed-out'; reason: string | null } | { kind: 'signed-in'; session: Session };

/** A key from the link wins over the one kept; with neither, a server without authentication lets us in. */
async function resume(): Promise<Phase> {
  const fromLink = takeKeyFromFragment();
  const key = fromLink ?? storedKey();
  try {
    const session = await signIn(key);
    if (key !== null) storeKey(key);
    return { kind: 'signed-in', session };
  } catch (error) {
    if (key !== null) forgetKey();
    // Without any key, a refusal is the usual way in: no message then.
    const quiet = key === null && error instanceof SignInError && error.kind !== 'unreachable';
    return { kind: 'signed-out', reason: quiet ? null : (error as Error).message };
  }
}

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  useEffect(() => {
    void resume().then(setPhase);
  }, []);
  const signOut = (reason: string | null) => {
    forgetKey();
    setPhase({ kind: 'signed-out', reason });
  };
  if (phase.kind === 'checking') return <Loading what="Signing in" />;
  if (phase.kind === 'signed-out') {
    return (
      <LoginPage
        reason={phase.reason}
        onSignedIn={(session) => {
          if (session.key !== null) storeKey(session.key);
          setPhase({ kind: 'signed-in', session });
        }}
      />
    );
  }
  return <SignedIn session={phase.session} onSignOut={signOut} />;
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut(reason: string | null): void }) {
  const value = useMemo(() => {
    const client = createClient(session.key, () => onSignOut('The server no longer accepts your key (it was revoked or has expired). Sign in again.'));
    return { api: endpoints(client), identity: session.identity };
  }, [session]);
  return (
    <ApiProvider value={value}>
      <Router>
        <Layout onSignOut={() => onSignOut(null)}>
          <Pages />
        </Layout>
      </Router>
    </ApiProvider>
  );
}
