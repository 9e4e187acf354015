// 导入住户名册: the grid office's CSV (the roll it keeps in Excel) is checked first, then written all at once.
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { importColumns, importTemplateRows, type ImportResult } from '@linli/shared';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { badLinesOf, pickRollFile, uploadRoll, type PickedFile } from '../../../services/household-import';
import './index.scss';

type Step =
  | { name: 'choose' }
  | { name: 'checking'; file: PickedFile }
  | { name: 'checked'; file: PickedFile; preview: ImportResult }
  | { name: 'refused'; file: PickedFile; message: string; badLines: { line: number; message: string }[] }
  | { name: 'importing'; file: PickedFile; preview: ImportResult }
  | { name: 'done'; file: PickedFile; result: ImportResult };

function countsText(r: ImportResult, done: boolean): string {
  return done
    ? `已导入 ${r.households} 户 ${r.persons} 人：新增 ${r.created} 人，更新 ${r.updated} 人。`
    : `共 ${r.households} 户 ${r.persons} 人：将新增 ${r.created} 人，更新 ${r.updated} 人。`;
}

export default function ImportPage() {
  const [step, setStep] = useState<Step>({ name: 'choose' });
  const [error, setError] = useState<string | null>(null);

  async function choose() {
    setError(null);
    let file: PickedFile | null;
    try {
      file = await pickRollFile();
    } catch (err) {
      setError(messageOf(err));
      return;
    }
    if (!file) return;
    setStep({ name: 'checking', file });
    try {
      setStep({ name: 'checked', file, preview: await uploadRoll(file.bytes, true) });
    } catch (err) {
      setStep({ name: 'refused', file, message: messageOf(err), badLines: badLinesOf(err) ?? [] });
    }
  }

  async function confirm(file: PickedFile, preview: ImportResult) {
    setError(null);
    setStep({ name: 'importing', file, preview });
    try {
      setStep({ name: 'done', file, result: await uploadRoll(file.bytes, false) });
    } catch (err) {
      const badLines = badLinesOf(err);
      if (badLines) setStep({ name: 'refused', file, message: messageOf(err), badLines });
      else {
        setStep({ name: 'checked', file, preview });
        setError(messageOf(err));
      }
    }
  }

  const busy = step.name === 'checking' || step.name === 'importing';

  return (
    <PageShell title="导入住户名册">
      <View className="card">
        <Text className="card__title">文件格式</Text>
        <Text className="text-secondary import__hint">
          CSV 文件（Excel 另存为“CSV UTF-8”或“CSV”均可），每位成员一行，第一行为表头：
        </Text>
        <Text className="import__columns">{importColumns.join(' , ')}</Text>
        <Text className="text-secondary import__hint">例：{importTemplateRows[1]!.join(' , ')}</Text>
        <Text className="text-secondary import__hint">
          同一户按“楼栋+单元+房号”归并，同户同名的成员会被更新。只要有一行有误，整个文件都不会写入。
        </Text>
      </View>

      {step.name !== 'choose' ? (
        <View className="card">
          <Text className="card__title">{step.file.name}</Text>
          {step.name === 'checking' ? <Text className="text-secondary">正在检查每一行…</Text> : null}
          {step.name === 'checked' || step.name === 'importing' ? (
            <Text className="notice import__result">检查通过。{countsText(step.preview, false)}</Text>
          ) : null}
          {step.name === 'done' ? <Text className="notice import__result">{countsText(step.result, true)}</Text> : null}
          {step.name === 'refused' ? (
            <View>
              <Text className="notice notice--error import__result">{step.message}</Text>
              {step.badLines.map((bad) => (
                <View key={`${bad.line}-${bad.message}`} className="row import__bad-line">
                  <View className="row__main">
                    <Text className="row__title">第 {bad.line} 行</Text>
                    <Text className="row__meta">{bad.message}</Text>
                  </View>
                </View>
              ))}
              <Text className="text-secondary import__hint">请在 Excel 里改好这些行，另存后重新选择文件。</Text>
            </View>
          ) : null}
        </View>
      ) : null}

      {error ? <Text className="notice notice--error import__result">{error}</Text> : null}

      {step.name === 'checked' || step.name === 'importing' ? (
        <View className="button-row">
          <BigButton variant="secondary" disabled={busy} onClick={choose}>
            换一个文件
          </BigButton>
          <BigButton busy={step.name === 'importing'} onClick={() => confirm(step.file, step.preview)}>
            确认导入
          </BigButton>
        </View>
      ) : (
        <BigButton className="import__choose" busy={step.name === 'checking'} onClick={choose}>
          {step.name === 'choose' ? '选择 CSV 文件' : '选择另一个文件'}
        </BigButton>
      )}
    </PageShell>
  );
}
