/** The interface language in React: the current messages, and a way to switch. */
import { createContext, useContext } from 'react';
import { messagesFor, type Locale, type Messages } from './locales.ts';

export { LOCALES, type Locale, type Messages } from './locales.ts';

export interface I18n {
  locale: Locale;
  t: Messages;
  setLocale(locale: Locale): void;
}

export const I18nContext = createContext<I18n>({ locale: 'en', t: messagesFor('en'), setLocale: () => undefined });

export function useI18n(): I18n {
  return useContext(I18nContext);
}
