// A row of large tappable options (one or several selected), labels in Chinese.
import { Text, View } from '@tarojs/components';
import './index.scss';

interface ChoicesProps<T extends string> {
  options: readonly T[];
  labels: Record<T, string>;
  selected: readonly T[];
  onToggle: (value: T) => void;
  danger?: readonly T[];
}

export function Choices<T extends string>({ options, labels, selected, onToggle, danger = [] }: ChoicesProps<T>) {
  return (
    <View className="pick">
      {options.map((o) => {
        const on = selected.includes(o);
        const classes = ['pick__option', on ? 'pick__option--on' : '', on && danger.includes(o) ? 'pick__option--danger' : ''];
        return (
          <View key={o} className={classes.filter(Boolean).join(' ')} onClick={() => onToggle(o)}>
            <Text>{labels[o]}</Text>
          </View>
        );
      })}
    </View>
  );
}
