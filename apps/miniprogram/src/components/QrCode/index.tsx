// A QR code drawn as rows of Views (runs of dark/light modules), so it renders the same on weapp and h5 with no
// canvas API. The matrix comes from qrcode-generator (pure JS); error correction M survives a cracked phone screen.
import { useMemo } from 'react';
import Taro from '@tarojs/taro';
import { View } from '@tarojs/components';
import qrcode from 'qrcode-generator';
import './index.scss';

interface QrCodeProps {
  text: string;
  /** Width of the whole code in design px (750-wide design). */
  size?: number;
}

const quietZone = 2;

/** Each row as runs: [dark?, length] pairs, quiet zone included. */
export function qrRuns(text: string): { moduleCount: number; rows: [boolean, number][][] } {
  const code = qrcode(0, 'M');
  code.addData(text);
  code.make();
  const n = code.getModuleCount();
  const total = n + quietZone * 2;
  const rows: [boolean, number][][] = [];
  for (let r = -quietZone; r < n + quietZone; r++) {
    const runs: [boolean, number][] = [];
    for (let c = -quietZone; c < n + quietZone; c++) {
      const dark = r >= 0 && r < n && c >= 0 && c < n && code.isDark(r, c);
      const last = runs[runs.length - 1];
      if (last && last[0] === dark) last[1] += 1;
      else runs.push([dark, 1]);
    }
    rows.push(runs);
  }
  return { moduleCount: total, rows };
}

export function QrCode({ text, size = 520 }: QrCodeProps) {
  const { moduleCount, rows } = useMemo(() => qrRuns(text), [text]);
  const cell = Math.floor(size / moduleCount);
  const px = (n: number) => Taro.pxTransform(n);
  return (
    <View className="qr-code" style={{ width: px(cell * moduleCount), height: px(cell * moduleCount) }}>
      {rows.map((runs, r) => (
        <View key={r} className="qr-code__row" style={{ height: px(cell) }}>
          {runs.map(([dark, length], i) => (
            <View key={i} className={dark ? 'qr-code__dark' : 'qr-code__light'} style={{ width: px(cell * length), height: px(cell) }} />
          ))}
        </View>
      ))}
    </View>
  );
}
