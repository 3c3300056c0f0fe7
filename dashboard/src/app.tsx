/**
 * The app: sign in first (a key from a sign-in link or the form is exchanged for a session cookie;
 * with the cookie already there, nothing to do), then the pages. A 401 on any later request (the
 * session expired, was signed out, or its key was revoked) signs out with the reason.
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
import { resumeSession, SignInError, signIn, signOut, takeKeyFromFragment, type Session } from './session.ts';

type Phase = { kind: 'checking' } | { kind: 'signed-out'; reason: string | null } | { kind: 'signed-in'; session: Session };

/** A key from the link signs in; else the session cookie the browser holds (or a server without authentication). */
async function resume(): Promise<Phase> {
  const fromLink = takeKeyFromFragment();
  try {
    return { kind: 'signed-in', session: fromLink !== null ? await signIn(fromLink) : await resumeSession() };
  } catch (error) {
    // Without a link, a refusal is the usual way in: no message then.
    const quiet = fromLink === null && error instanceof SignInError && error.kind === 'refused';
    return { kind: 'signed-out', reason: quiet ? null : (error as Error).message };
  }
}

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  useEffect(() => {
    void resume().then(setPhase);
  }, []);
  const onSignOut = (reason: string | null) => setPhase({ kind: 'signed-out', reason });
  if (phase.kind === 'checking') return <Loading what="Signing in" />;
  if (phase.kind === 'signed-out') {
    return <LoginPage reason={phase.reason} onSignedIn={(session) => setPhase({ kind: 'signed-in', session })} />;
  }
  return <SignedIn session={phase.session} onSignOut={onSignOut} />;
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut(reason: string | null): void }) {
  const value = useMemo(() => {
    const client = createClient(null, () => onSignOut('Your session has ended (it expired, was signed out, or its key was revoked). Sign in again.'));
    return { api: endpoints(client), identity: session.identity };
  }, [session]);
  return (
    <ApiProvider value={value}>
      <Router>
        <Layout onSignOut={() => void signOut().then(() => onSignOut(null))}>
          <Pages />
        </Layout>
      </Router>
    </ApiProvider>
  );
}
