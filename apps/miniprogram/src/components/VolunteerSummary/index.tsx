// What a volunteer offers: skills, weekly windows and preferred buildings, as the applicant and staff both read it.
import { Text, View } from '@tarojs/components';
import { describeAvailability, volunteerSkillLabels, type VolunteerApplication } from '@linli/shared';
import './index.scss';

export function VolunteerSummary({ application }: { application: VolunteerApplication }) {
  return (
    <View className="volunteer-summary">
      <Text className="row__meta">技能：{application.skills.map((s) => volunteerSkillLabels[s]).join('、')}</Text>
      <Text className="row__meta">可服务：{application.availability.map(describeAvailability).join('；')}</Text>
      {application.preferredBuildings.length ? (
        <Text className="row__meta">优先楼栋：{application.preferredBuildings.map((b) => b.name).join('、')}</Text>
      ) : null}
      {application.note ? <Text className="row__meta">备注：{application.note}</Text> : null}
    </View>
  );
}
