// Taro components as plain DOM elements, with Taro's event shapes (onInput → { detail: { value } }).
import type { CSSProperties, ReactNode } from 'react'

type P = { children?: ReactNode; className?: string; id?: string; onClick?: () => void; [k: string]: unknown }

// WeChat's `aria-role` (the weapp build's role attribute) is the DOM's `role`: React would warn on it.
const aria = (rest: Record<string, unknown>) => Object.fromEntries(Object.entries(rest).filter(([k]) => k.startsWith('aria-') && k !== 'aria-role'))

const pass = ({ children, className, id, onClick, role, tabIndex, onKeyDown, ...rest }: P) => ({
  children, className, id, onClick, role: (role ?? rest['aria-role']) as string | undefined, tabIndex: tabIndex as number | undefined,
  onKeyDown: onKeyDown as never, ...aria(rest),
  style: rest.style as CSSProperties | undefined,
})

export const View = (p: P) => <div {...pass(p)} />
export const Text = (p: P) => <span {...pass(p)} />
export const Image = ({ src, className }: P) => <img src={src as string} className={className} alt='' />
export const Map = () => <div data-testid='map' />
export function Input({ id, value, onInput, nativeProps, type }: P) {
  return <input id={id} type={type === 'number' ? 'number' : 'text'} value={value as string} {...(nativeProps as object)}
    onChange={(e) => (onInput as (e: { detail: { value: string } }) => void)({ detail: { value: e.target.value } })} />
}
export function Textarea({ id, value, onInput, nativeProps }: P) {
  return <textarea id={id} value={value as string} {...(nativeProps as object)}
    onChange={(e) => (onInput as (e: { detail: { value: string } }) => void)({ detail: { value: e.target.value } })} />
}
// The weapp's open-type button (getPhoneNumber): a plain button here.
export const Button = ({ children, className, id }: P) => <button type='button' id={id} className={className}>{children}</button>
