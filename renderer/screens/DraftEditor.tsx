import { useEffect, useRef } from 'react';
import { useShell } from '../context';
import { draftLabels } from '../labels';
import { saveRefusalText, screenText } from '../words';

const patientLimit = 200;
const textLimit = 100_000;

function SaveStatusLine() {
  const save = useShell((s) => s.save);
  const saveNow = useShell((s) => s.saveNow);
  const text =
    save.kind === 'saving'
      ? draftLabels.saving
      : save.kind === 'saved'
        ? draftLabels.saved
        : save.kind === 'failed'
          ? saveRefusalText[save.code]
          : '';
  return (
    <div className="shell-save-status">
      <p
        className={save.kind === 'failed' ? 'nhsuk-error-message' : 'nhsuk-body-s'}
        role="status"
        aria-live="polite"
        data-testid="save-status"
        data-status={save.kind}
      >
        {text}
      </p>
      {save.kind === 'failed' && save.code !== 'bad-request' ? (
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
          onClick={saveNow}
          data-testid="save-retry"
        >
          {draftLabels.retry}
        </button>
      ) : null}
    </div>
  );
}

export function DraftEditor() {
  const draft = useShell((s) => s.draft);
  const draftLoad = useShell((s) => s.draftLoad);
  const editDraft = useShell((s) => s.editDraft);
  const rememberCaret = useShell((s) => s.rememberCaret);
  const caret = useShell((s) => s.caret);
  const patient = useRef<HTMLInputElement>(null);
  const note = useRef<HTMLTextAreaElement>(null);
  const loaded = draft !== null;
  // Back from a lock: focus where the clinician was, at the caret (not the page heading).
  useEffect(() => {
    if (!loaded || caret === null) return;
    const field = caret.field === 'text' ? note.current : patient.current;
    if (field === null) return;
    field.focus();
    const at = Math.min(caret.position, field.value.length);
    field.setSelectionRange(at, at);
    // Only when the note arrives: later caret moves are the clinician's own.
  }, [loaded]);
  if (draft === null) {
    return (
      <p className="nhsuk-body" role="status" data-testid="draft-loading">
        {draftLoad === 'failed' ? screenText.draftLoadFailed : draftLabels.loading}
      </p>
    );
  }
  return (
    <form className="shell-draft" data-testid="draft-editor" onSubmit={(e) => e.preventDefault()} autoComplete="off">
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="draft-patient">
          {draftLabels.patient}
        </label>
        <input
          className="nhsuk-input"
          id="draft-patient"
          name="patient"
          type="text"
          maxLength={patientLimit}
          spellCheck={false}
          autoComplete="off"
          value={draft.patient}
          ref={patient}
          onSelect={(e) => rememberCaret({ field: 'patient', position: e.currentTarget.selectionStart ?? 0 })}
          onChange={(e) => editDraft({ patient: e.target.value })}
          data-testid="draft-patient"
        />
      </div>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="draft-text">
          {draftLabels.note}
        </label>
        <textarea
          className="nhsuk-textarea"
          id="draft-text"
          name="note"
          rows={12}
          maxLength={textLimit}
          spellCheck={false}
          value={draft.text}
          ref={note}
          onSelect={(e) => rememberCaret({ field: 'text', position: e.currentTarget.selectionStart })}
          onChange={(e) => editDraft({ text: e.target.value })}
          data-testid="draft-text"
        />
      </div>
      <SaveStatusLine />
    </form>
  );
}
