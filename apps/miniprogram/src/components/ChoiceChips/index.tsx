// A row of large tappable choices, one selected (楼栋, 出门/返回, 每户/每人…).
import { Text, View } from '@tarojs/components';
import './index.scss';

interface ChoiceChipsProps<T extends string> {
  options: readonly { value: T; label: string }[];
  value: T | null;
  onChange: (value: T) => void;
  className?: string;
}

export function ChoiceChips<T extends string>({ options, value, onChange, className }: ChoiceChipsProps<T>) {
  return (
    <View className={`chips${className ? ` ${className}` : ''}`}>
      {options.map((o) => (
        <View key={o.value} className={`chip${o.value === value ? ' chip--selected' : ''}`} onClick={() => onChange(o.value)}>
          <Text>{o.label}</Text>
        </View>
      ))}
    </View>
  );
}
