// "Save incident": a title and a note for the window on screen; the saved incident has its own page.
import { type FormEvent, useState } from 'react';
import { useCreateIncident } from '../api/create-incident';

export function SaveIncidentForm({
  target,
  window,
  onSaved,
  onCancel,
}: {
  target: string;
  /** frozen when the form opened, so the incident is the window the person was looking at */
  window: { from: number; to: number };
  onSaved(id: string): void;
  onCancel(): void;
}) {
  const [title, setTitle] = useState('');
  const [note, setNote] = useState('');
  const create = useCreateIncident();

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { target, from: window.from, to: window.to, title: title.trim(), note },
      { onSuccess: (incident) => onSaved(incident.id) },
    );
  }

  return (
    <form className="save-incident" onSubmit={submit} data-testid="save-incident-form">
      <label>
        <span>Title</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
      </label>
      <label>
        <span>Note</span>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={10_000} />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending || title.trim() === ''}>
          Save incident
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {create.error && <p className="error">{create.error.message}</p>}
    </form>
  );
}
