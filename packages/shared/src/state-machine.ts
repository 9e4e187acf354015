// A state machine is a table of allowed moves; both server and mini-program ask it before acting.
export type Transitions<S extends string> = { readonly [From in S]: readonly S[] };

export function canTransition<S extends string>(machine: Transitions<S>, from: S, to: S): boolean {
  return machine[from].includes(to);
}

export function nextStates<S extends string>(machine: Transitions<S>, from: S): readonly S[] {
  return machine[from];
}
