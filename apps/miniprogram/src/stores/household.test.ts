import { chooseHousehold, chosenHousehold } from './household';

jest.mock('@tarojs/taro', () => {
  const storage = new Map<string, unknown>();
  return {
    __esModule: true,
    default: {
      getStorageSync: (key: string) => storage.get(key) ?? '',
      setStorageSync: (key: string, value: unknown) => storage.set(key, value),
    },
  };
});

const household = (id: string, room: string) => ({ id, buildingId: 'b1', buildingName: '1号楼', unit: '1', room, gridId: 'g1' });
const own = household('h-own', '101');
const parents = household('h-parents', '302');

it('acts for the first household until the resident chooses another', () => {
  expect(chosenHousehold({ households: [own, parents] })?.id).toBe('h-own');
  chooseHousehold('h-parents');
  expect(chosenHousehold({ households: [own, parents] })?.id).toBe('h-parents');
});

it('falls back to the first household when the chosen one is no longer bound', () => {
  chooseHousehold('h-parents');
  expect(chosenHousehold({ households: [own] })?.id).toBe('h-own');
  expect(chosenHousehold({ households: [] })).toBeUndefined();
});
