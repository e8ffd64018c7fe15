// Turns whatever the OS keychain threw into an AppError a support agent can act on. The OS's own
// words are kept (IT needs them) after masking, though no keychain error is known to echo a secret.
import { AppError } from '../../shared/errors.ts';
import { redact } from '../redact.ts';

// No Secret Service on the session bus, or no session bus at all (Linux).
const UNAVAILABLE = [
  /autolaunch D-Bus/i,
  /org\.freedesktop\.secrets was not provided/i,
  /not provided by any \.service files/i,
  /No such interface/i,
  /ServiceUnknown/i,
  /Could not connect/i,
  /address is empty/i,
  /Failed to connect to socket/i,
  /Failed to execute program/i,
  /Connection refused/i,
  /D-?Bus/i,
];
// The Secret Service runs but has no default ("login") collection: it needs a prompt to create one.
const NO_COLLECTION = [/Object does not exist at path/i, /No such object/i, /collection\/login/i];
// Locked keychain, refused access, or a cancelled unlock prompt (Linux, macOS, Windows wording).
const DENIED = [
  /locked/i,
  /denied/i,
  /cancel/i,
  /not allowed/i,
  /User interaction is not allowed/i,
  /passphrase you entered is not correct/i,
  /authoriz/i,
  /permission/i,
  /dismissed/i,
  /-128\b/, // errSecUserCanceled
  /-25293\b/, // errSecAuthFailed
  /-25308\b/, // errSecInteractionNotAllowed
];

function osDetail(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const clean = redact(text).replace(/\s+/g, ' ').trim().slice(0, 200);
  return clean ? ` (system message: ${clean})` : '';
}

function builtIn(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? 'the macOS Keychain' : platform === 'win32' ? 'Windows Credential Manager' : 'the system keychain';
}

export function keychainUnavailable(detail: string, platform: NodeJS.Platform = process.platform): AppError {
  const fix =
    platform === 'linux'
      ? 'Install and start a Secret Service (GNOME Keyring: gnome-keyring, or KWallet) in your desktop session, then restart Understudy.'
      : `${builtIn(platform)} is built in: sign in to your desktop session normally and restart Understudy; if it persists, ask IT to check it.`;
  return new AppError({
    kind: 'keychain-unavailable',
    message: `No keychain is available, and Understudy keeps secret keys only in the system keychain. ${fix}${detail}`,
  });
}

export function keychainDenied(detail: string, platform: NodeJS.Platform = process.platform): AppError {
  return new AppError({
    kind: 'keychain-denied',
    message: `${platform === 'linux' ? 'Your keyring' : builtIn(platform).replace(/^t/, 'T')} is locked or refused access. Unlock your keychain and allow Understudy when asked, then try again.${detail}`,
  });
}

/** Maps a keytar failure; `action` says what was attempted, e.g. "read the secret keys". */
export function keychainError(error: unknown, action: string, platform: NodeJS.Platform = process.platform): AppError {
  if (error instanceof AppError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const detail = osDetail(error);
  if (NO_COLLECTION.some((pattern) => pattern.test(text))) {
    return new AppError({
      kind: 'keychain-unavailable',
      message: `Your keyring has no default ("login") collection to keep secret keys in. Open Passwords and Keys (Seahorse) or KWallet, create or unlock the login keyring, then try again.${detail}`,
    });
  }
  if (DENIED.some((pattern) => pattern.test(text))) return keychainDenied(detail, platform);
  if (UNAVAILABLE.some((pattern) => pattern.test(text))) return keychainUnavailable(detail, platform);
  return new AppError({ kind: 'keychain-unavailable', message: `The keychain could not ${action}.${detail}` }, { cause: error });
}
