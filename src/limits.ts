/** Every bound on input from the network or the user, in one place. Exceeding one is LIMIT_EXCEEDED. */
export const LIMITS = {
  /** Longest protocol line we accept from a server or client (POP3/SMTP/IMAP), CRLF included. */
  maxLineBytes: 64 * 1024,
  /** Longest multi-line reply other than a message body (CAPA, LIST, UIDL), in bytes. */
  maxMultilineReplyBytes: 16 * 1024 * 1024,
  /**
   * IMAP: largest literal kept in memory (LIST names, and bodies fetch gets in bulk).
   * Non-body replies (LIST, ENVELOPE) are far smaller; fetch holds only messages up to 1 MB whole and streams bigger
   * ones from the socket to disk (bounded by maxMessageBytes instead).
   */
  maxImapLiteralBytes: 4 * 1024 * 1024,
  /** Largest single message we download or proxy (Exchange allows up to 150 MB; we allow headroom). */
  maxMessageBytes: 200 * 1024 * 1024,
  /** Largest HTTP response body we read from the token endpoint. */
  maxHttpBodyBytes: 1024 * 1024,
  /** Largest token / SASL line we accept. */
  maxSaslLineBytes: 32 * 1024,
  /** Attachment extraction (--attachments): most attachments and most decoded bytes written per message. */
  maxAttachmentsPerMessage: 100,
  maxAttachmentBytesPerMessage: 250 * 1024 * 1024,
  /** Max entries of a UIDL / LIST reply. */
  maxMessagesPerListing: 1_000_000,
  /** Longest duration a user may give to a --timeout style flag (more is a typo, e.g. seconds given as ms). */
  maxUserTimeoutMs: 60 * 60_000,
  timeouts: {
    connectMs: 15_000,
    tlsMs: 15_000,
    greetingMs: 30_000,
    commandMs: 60_000,
    /** Inactivity while streaming a message body. */
    dataIdleMs: 120_000,
    httpMs: 30_000,
    /** Proxy: a client must log in within this time. */
    proxyLoginMs: 60_000,
    /** Proxy: idle connection is closed after this. */
    proxyIdleMs: 30 * 60_000,
  },
  retry: {
    /** Token endpoint: attempts on 429/5xx/network error, and the longest Retry-After we honour. */
    tokenAttempts: 3,
    maxRetryAfterMs: 60_000,
  },
  /**
   * Proxy, before login: the client's unread replies at most this many bytes; above it the proxy stops reading from
   * that client until its socket drains (a client that pipelines CAPA and never reads cannot grow the proxy).
   */
  proxyMaxPendingReplyBytes: 64 * 1024,
  /** Proxy: commands a client may send before it has logged in (POP3, IMAP, SMTP); then a final reply and close. */
  proxyMaxCommandsBeforeLogin: 100,
  /**
   * Proxy, IMAP: Exchange ends an IMAP session when the token used at login expires, so an IMAP login asks for a new
   * token when the cached one has less than this left (POP3 and SMTP sessions are short).
   */
  proxyMinImapTokenLifetimeMs: 30 * 60_000,
  /**
   * Proxy, POP3 over Graph (`upstream: graph`): messages in a session's maildrop, the oldest of the folder, listed at
   * login in one Graph request (Graph's `$top` allows up to 1,000 messages). Newer ones appear once older ones are
   * deleted or moved away.
   */
  proxyGraphPop3MaxMessages: 1000,
  /** Proxy, POP3 over Graph: longest command line after login (RFC 2449 section 4 allows 255 octets; headroom). */
  proxyGraphPop3MaxLineBytes: 1024,
  /** Proxy, POP3 over Graph: commands per session after login (UIDL, LIST, RETR and DELE of a full maildrop, 5 times). */
  proxyGraphPop3MaxCommands: 20_000,
  /** Tokens are refreshed this long before they expire. */
  tokenRefreshMarginMs: 5 * 60_000,
} as const;
