/**
 * States.Base64Encode and States.Base64Decode over the UTF-8 bytes of a string (standard alphabet, with
 * padding). Built on TextEncoder/TextDecoder and btoa/atob so the core needs no Node module.
 */
import { expectBoundedString, intrinsicFailure, type IntrinsicFunction } from './arguments.ts';

const utf8Encoder = new TextEncoder();
/** Not fatal: bytes that are not UTF-8 become U+FFFD, as decoding bytes into a Java string does. */
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** The MIME scheme breaks lines with CRLF; those breaks are skipped when decoding. */
const lineBreaks = /\r?\n/g;
const base64Text = /^[A-Za-z0-9+/]*={0,2}$/;
/** btoa and String.fromCharCode take bounded argument lists; 8 KiB per slice stays far below the limit. */
const sliceBytes = 8192;

export const base64Encode: IntrinsicFunction = (args) => {
  const bytes = utf8Encoder.encode(expectBoundedString('States.Base64Encode', args, 0));
  let binary = '';
  for (let i = 0; i < bytes.length; i += sliceBytes) {
    binary += String.fromCharCode(...bytes.subarray(i, i + sliceBytes));
  }
  return btoa(binary);
};

export const base64Decode: IntrinsicFunction = (args) => {
  const name = 'States.Base64Decode';
  const text = expectBoundedString(name, args, 0).replace(lineBreaks, '');
  const data = text.replace(/=+$/, '');
  const padded = text.length !== data.length;
  // A lone trailing character carries fewer than 8 bits; padding, when present, must complete a quartet.
  if (!base64Text.test(text) || data.length % 4 === 1 || (padded && text.length % 4 !== 0)) {
    throw intrinsicFailure(name, 'the argument is not valid Base64');
  }
  const binary = atob(data + '='.repeat((4 - (data.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  return utf8Decoder.decode(bytes);
};
