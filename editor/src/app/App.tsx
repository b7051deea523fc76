// The app shell: header with the journey's name and tabs, then the page of the current route.
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useState } from 'react';
import { useKeyBindings } from '../actions/useKeyBindings.ts';
import { connectToServer, useServerData } from '../api/server-data.ts';
import { AgentPage } from '../agent/AgentPage.tsx';
import { Canvas } from '../canvas/Canvas.tsx';
import { DoNotContactPage } from '../compliance/DoNotContactPage.tsx';
import { DiffPanel } from '../files/DiffPanel.tsx';
import { parseJourneyAddress } from '../files/journey-address.ts';
import { useAutosave } from '../files/useAutosave.ts';
import { useJourneyAddress } from '../files/useJourneyAddress.ts';
import { Welcome } from '../files/Welcome.tsx';
import { Inspector } from '../inspector/Inspector.tsx';
import { ListsPage } from '../lists/ListsPage.tsx';
import { Palette } from '../palette/Palette.tsx';
import { ProblemsPanel } from '../problems/ProblemsPanel.tsx';
import { RunsPage } from '../runs/RunsPage.tsx';
import { errorCount, problemsOf } from '../model/problems.ts';
import { EditorStoreProvider, useEditor, type EditorState, type EditorStore } from '../store/editor-store.ts';
import { navigate, routePaths, usePathname, useRoute, type Route } from './routes.ts';
import { useLeaveGuard } from './useLeaveGuard.ts';
import { SignInBanner } from './SignIn.tsx';
import { Toolbar } from './Toolbar.tsx';

const tabs: { route: Route; label: string }[] = [
  { route: 'design', label: 'Design' },
  { route: 'runs', label: 'Runs' },
  { route: 'lists', label: 'Contact lists' },
  { route: 'do-not-contact', label: 'Do not contact' },
];

/** Whether the journey on screen is on the server as it is, in words; never "saved" about work that is not. */
function saveState(s: EditorState): string {
  const errors = errorCount(problemsOf(s.doc));
  const toFix = `fix ${errors} ${errors === 1 ? 'error' : 'errors'}`;
  if (s.conflict) return 'Not saved: someone else saved first';
  if (s.server.savedId === undefined) {
    if (!Object.keys(s.doc.nodes).length) return 'Nothing to save yet';
    return errors ? `Not saved yet: ${toFix}, then Save draft` : 'Not saved yet: use Save draft';
  }
  if (s.doc === s.server.savedDoc) return 'All changes saved';
  if (s.saving) return 'Saving…';
  if (errors) return `Unsaved changes: ${toFix} to save`;
  if (s.doc.id !== s.server.savedId) return 'Unsaved changes: the id changed, use Save draft';
  return 'Unsaved changes';
}

function StatusLine() {
  const notice = useEditor((s) => s.notice);
  const saved = useEditor(saveState);
  const version = useEditor((s) => s.server.latestVersion);
  return (
    <div className="status">
      <span role="status" aria-live="polite" className={notice?.tone === 'error' ? 'status-error' : ''}>
        {notice?.text}
      </span>
      <span className="status-right">
        {saved}
        {version !== null && ` · Published version ${version}`}
      </span>
    </div>
  );
}

/** Nothing open yet: a journey never saved, with no steps. */
const nothingOpen = (s: EditorState) => s.server.savedId === undefined && !Object.keys(s.doc.nodes).length && s.diffView === undefined;

function DesignPage() {
  useKeyBindings(true);
  useJourneyAddress();
  const diffing = useEditor((s) => s.diffView !== undefined);
  const empty = useEditor(nothingOpen);
  const opening = parseJourneyAddress(usePathname()) !== undefined;
  const [drawing, setDrawing] = useState(false);
  const welcome = empty && !drawing && !opening;
  return (
    <>
      <Toolbar />
      <div className="workspace">
        <Palette />
        {/* A step dragged from the palette goes onto the canvas under the welcome: the welcome steps aside. */}
        <main className="centre" id="main" onDragEnter={() => welcome && setDrawing(true)}>
          {diffing && <div className="diff-banner">Comparing versions: the canvas is read-only. Use “Back to editing” to continue.</div>}
          <Canvas />
          {welcome && <Welcome onNew={() => setDrawing(true)} />}
          <ProblemsPanel />
        </main>
        {diffing ? <DiffPanel /> : <Inspector />}
      </div>
      <StatusLine />
    </>
  );
}

/**
 * The app with its own editor: its store (`store` when given, as a test may) and its canvas's React Flow instance, with
 * the view and the sizes React Flow measured. Two apps on one page share neither.
 */
export function App({ store }: { store?: EditorStore }) {
  return (
    <EditorStoreProvider {...(store && { store })}>
      <ReactFlowProvider>
        <Shell />
      </ReactFlowProvider>
    </EditorStoreProvider>
  );
}

function Shell() {
  const route = useRoute();
  const journeyName = useEditor((s) => (nothingOpen(s) ? '' : s.doc.name));
  const session = useServerData((d) => d.session);
  useAutosave();
  useLeaveGuard();
  useEffect(() => {
    void connectToServer();
  }, []);
  if (route === 'agent') return <AgentPage />;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to the canvas
      </a>
      <header className="app-header">
        <span className="brand">Journey builder</span>
        <span className="journey-name">{journeyName}</span>
        <nav aria-label="Pages" className="tabs">
          {tabs.map((tab) => (
            <a
              key={tab.route}
              href={routePaths[tab.route]}
              aria-current={route === tab.route ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(tab.route);
              }}
            >
              {tab.label}
            </a>
          ))}
        </nav>
        <span className="session">{session ? `Signed in as ${session.name}` : 'Not signed in'}</span>
      </header>
      <SignInBanner />
      {route === 'runs' ? <RunsPage /> : route === 'do-not-contact' ? <DoNotContactPage /> : route === 'lists' ? <ListsPage /> : <DesignPage />}
    </div>
  );
}
