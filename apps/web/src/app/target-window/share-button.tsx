// "Share": copies a link to exactly this window (absolute from/to), this target and the selected drop.
// The link is also shown, for browsers that refuse clipboard access on plain http.
import { useState } from 'react';

export function ShareButton({ makeUrl }: { makeUrl(): string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function share() {
    const link = makeUrl();
    setUrl(link);
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <div className="share">
      <button type="button" onClick={share} data-testid="share">
        Share
      </button>
      {url !== null && (
        <span className="share-result">
          <input
            readOnly
            value={url}
            data-testid="share-url"
            onFocus={(event) => event.target.select()}
            size={48}
          />
          <span className="muted">{copied ? 'copied' : 'copy the link'}</span>
        </span>
      )}
    </div>
  );
}
