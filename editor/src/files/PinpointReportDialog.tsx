// The report of a converted Pinpoint journey, read before the journey opens: what needs a person, then what each
// activity and setting became.
import { Modal } from '../app/Modal.tsx';
import { useCanvasView } from '../canvas/view.ts';
import { useEditorStore } from '../store/editor-store.ts';
import { openPinpointImport } from './file-actions.ts';
import type { PinpointImport } from './pinpoint-import.ts';

const statusWords: Record<string, string> = {
  converted: 'Converted',
  changed: 'Converted, changed',
  skipped: 'Skipped',
  carried: 'Carried over',
  partly: 'Partly carried over',
  'not-carried-yet': 'Not carried over yet',
  'not-carried': 'Not carried over',
};

export function PinpointReportDialog({ converted, onClose }: { converted: PinpointImport; onClose: () => void }) {
  const store = useEditorStore();
  const view = useCanvasView();
  const { report } = converted;
  return (
    <Modal title={`Convert the Pinpoint journey “${report.source.name}”`} onClose={onClose}>
      <div className="pinpoint-report" data-testid="pinpoint-report">
        <p className="help">
          {report.activities.length} activities became {report.journey.steps} steps of the journey “{report.journey.id}”. Rules: {report.profile}. Time zone:{' '}
          {report.timezone}.
        </p>
        <h3>Needs a person ({report.needsPerson.length})</h3>
        {report.needsPerson.length ? (
          <ul className="needs-person">
            {report.needsPerson.map((n, i) => (
              // The same message can recur (a variable in a subject and a body); its place keeps the key unique.
              <li key={i}>{n.message}</li>
            ))}
          </ul>
        ) : (
          <p>Nothing.</p>
        )}
        {report.attributes.length > 0 && <p>The contact list needs the columns: {report.attributes.join(', ')}.</p>}
        <h3>Activities</h3>
        <table className="versions">
          <thead>
            <tr>
              <th scope="col">Activity</th>
              <th scope="col">Kind</th>
              <th scope="col">Became</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {report.activities.map((a) => (
              <tr key={a.activity}>
                <td>
                  {a.activity}
                  {a.description ? ` (${a.description})` : ''}
                </td>
                <td>{a.kind}</td>
                <td>
                  {statusWords[a.status]}
                  {a.became.length ? `: ${a.became.join(', ')}` : ''}
                </td>
                <td>{a.notes.join(' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.settings.length > 0 && (
          <>
            <h3>Settings</h3>
            <table className="versions">
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  <th scope="col">Value</th>
                  <th scope="col">Became</th>
                </tr>
              </thead>
              <tbody>
                {report.settings.map((s) => (
                  <tr key={s.setting}>
                    <td>{s.setting}</td>
                    <td className="setting-value">{s.value}</td>
                    <td>
                      {statusWords[s.status]}: {s.became}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
      <div className="row-buttons">
        <button
          type="button"
          className="primary"
          onClick={() => {
            openPinpointImport(store, view, converted);
            onClose();
          }}
        >
          Open the journey
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
