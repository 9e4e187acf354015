// Which of the account's households the resident is acting for (团购, 打卡, 求助, 代购药): one person can be bound to
// several (their own flat and an elderly parent's). The choice survives restarts and falls back to the first household.
import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import type { MeResponse } from '@linli/shared';

type BoundHousehold = MeResponse['households'][number];

const storageKey = 'linli.householdId';
const listeners = new Set<(householdId: string) => void>();

function storedHouseholdId(): string | null {
  const value: unknown = Taro.getStorageSync(storageKey);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function chosenHousehold(me: Pick<MeResponse, 'households'>): BoundHousehold | undefined {
  const stored = storedHouseholdId();
  return me.households.find((h) => h.id === stored) ?? me.households[0];
}

export function chooseHousehold(householdId: string): void {
  Taro.setStorageSync(storageKey, householdId);
  listeners.forEach((listener) => listener(householdId));
}

/** The stored choice as React state, for pages that load their household data themselves. */
export function useChosenHouseholdId(): string | null {
  const [chosenId, setChosenId] = useState(storedHouseholdId());
  useEffect(() => {
    listeners.add(setChosenId);
    return () => {
      listeners.delete(setChosenId);
    };
  }, []);
  return chosenId;
}

/** The chosen household; re-renders every page using it when the resident switches. */
export function useChosenHousehold(me: Pick<MeResponse, 'households'> | null | undefined): BoundHousehold | undefined {
  useChosenHouseholdId();
  return me ? chosenHousehold(me) : undefined;
}
