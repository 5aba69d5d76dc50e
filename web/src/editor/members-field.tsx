import { useContext, useEffect, useState, type KeyboardEvent } from 'react';
import { api } from '../api.js';
import type { Account } from '../types.js';
import { FieldFindings, SetContext, fieldId } from './fields.js';

/** An account as the directory lists it. */
export type { Account };

/**
 * The member a typed entry names: an e-mail or user id as is, a display name only when one account has it
 * (names are not unique, and only e-mails and ids open a restricted report). Undefined when it names none.
 */
export function memberFor(entry: string, accounts: readonly Account[]): string | undefined {
  const key = entry.trim().toLowerCase();
  if (key === '') return undefined;
  const byKey = accounts.find((a) => a.email.toLowerCase() === key || a.id.toLowerCase() === key);
  if (byKey) return byKey.email;
  const named = accounts.filter((a) => a.name.trim().toLowerCase() === key);
  if (named.length === 1) return named[0]!.email;
  // Someone without an account yet may be named by e-mail; they see the report once they have one.
  return /^[^\s@]+@[^\s@]+$/.test(key) ? entry.trim() : undefined;
}

/** The members of a restricted report, chosen from the accounts: each chip shows the person and their e-mail. */
export function MembersField({ values }: { values: string[] }) {
  const set = useContext(SetContext);
  const path = ['members'];
  const id = fieldId(path);
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState('');
  useEffect(() => {
    let live = true;
    api<{ items: Account[] }>('/api/accounts')
      .then((r) => live && setAccounts(r.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const label = (member: string) => {
    const a = accounts.find((x) => x.email.toLowerCase() === member.toLowerCase() || x.id === member);
    return a ? `${a.name} (${a.email})` : member;
  };
  const add = () => {
    if (draft.trim() === '') return;
    const member = memberFor(draft, accounts);
    if (!member) {
      setProblem(`"${draft.trim()}" is not one account: choose a person from the list or type an e-mail`);
      return;
    }
    setProblem('');
    set(path, [...new Set([...values, member])]);
    setDraft('');
  };
  const key = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      add();
    }
  };
  return (
    <div className="field chips-field">
      <label htmlFor={id}>Members who may see it</label>
      <p className="guide" id={`${id}-hint`}>
        Only these accounts (and whoever created the report) can open it. Choose people by name or e-mail.
      </p>
      <ul className="chips" aria-label="Members" style={{ listStyle: 'none', margin: 0 }}>
        {values.map((v) => (
          <li className="chip" key={v}>
            {label(v)}
            <button
              type="button"
              aria-label={`Remove ${label(v)} from the members`}
              onClick={() =>
                set(
                  path,
                  values.filter((x) => x !== v),
                )
              }
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <input
        id={id}
        list={`${id}-accounts`}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={key}
        aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}
        aria-invalid={problem ? true : undefined}
      />
      <datalist id={`${id}-accounts`}>
        {accounts.map((a) => (
          <option key={a.id} value={a.email}>
            {a.name}
          </option>
        ))}
      </datalist>
      <button type="button" onClick={add}>
        Add member
      </button>
      {problem && (
        <p className="error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      )}
      <FieldFindings path={path} />
    </div>
  );
}
