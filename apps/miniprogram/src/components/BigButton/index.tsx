// A large (≥ 88rpx) button in one of three looks. On h5, Taro's <Button> turns `disabled={false}` into a
// `disabled="false"` attribute that CSS treats as disabled, so false props are left out entirely.
import type { ReactNode } from 'react';
import { Button } from '@tarojs/components';

interface BigButtonProps {
  variant?: 'primary' | 'secondary' | 'danger';
  busy?: boolean;
  disabled?: boolean;
  className?: string;
  onClick: () => void;
  children: ReactNode;
}

export function BigButton({ variant = 'primary', busy = false, disabled = false, className, onClick, children }: BigButtonProps) {
  const inactive = busy || disabled;
  const classes = ['button', `button--${variant}`, inactive ? 'button--inactive' : '', className ?? ''];
  return (
    <Button
      className={classes.filter(Boolean).join(' ')}
      disabled={inactive || undefined}
      loading={busy || undefined}
      onClick={inactive ? undefined : onClick}
    >
      {children}
    </Button>
  );
}
