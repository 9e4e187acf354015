// "为哪一户": shown only to residents bound to more than one household; the choice applies to every resident page.
import { Text, View } from '@tarojs/components';
import { householdLabel, type MeResponse } from '@linli/shared';
import { chooseHousehold } from '../../stores/household';
import { ChoiceChips } from '../ChoiceChips';
import './index.scss';

interface HouseholdSwitcherProps {
  households: MeResponse['households'];
  chosenId: string | undefined;
  /** What the page does for the household, e.g. 下单, 打卡. */
  action: string;
}

export function HouseholdSwitcher({ households, chosenId, action }: HouseholdSwitcherProps) {
  if (households.length < 2) return null;
  return (
    <View className="household-switcher">
      <Text className="text-small">为哪一户{action}：</Text>
      <ChoiceChips
        options={households.map((h) => ({ value: h.id, label: householdLabel(h) }))}
        value={chosenId ?? null}
        onChange={chooseHousehold}
      />
    </View>
  );
}
