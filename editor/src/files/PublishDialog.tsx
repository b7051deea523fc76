// Publishing: a message saying what changed, like a commit message; refused while the journey has errors.
import { useState } from 'react';
import { Modal } from '../app/Modal.tsx';
import { useEditorStore } from '../store/editor-store.ts';
import { publish } from './file-actions.ts';

export function PublishDialog({ onClose }: { onClose: () => void }) {
  const store = useEditorStore();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Modal title="Publish this journey" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          void publish(store, message.trim()).then((done) => {
            setBusy(false);
            if (done) onClose();
          });
        }}
      >
        <p className="help">Runs use a published version. Say what changed, so that your team can tell versions apart.</p>
        <label htmlFor="publish-message" className="field-title">
          What changed
        </label>
        <textarea id="publish-message" rows={3} value={message} required onChange={(e) => setMessage(e.target.value)} autoFocus />
        <div className="row-buttons">
          <button type="submit" className="primary" disabled={busy || !message.trim()}>
            {busy ? 'Publishing…' : 'Publish'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
