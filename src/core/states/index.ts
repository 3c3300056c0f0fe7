import type { State, StateType } from '../../asl/index.ts';
import { choice } from './choice.ts';
import { fail } from './fail.ts';
import type { StateHandler } from './handler.ts';
import { map } from './map.ts';
import { parallel } from './parallel.ts';
import { pass } from './pass.ts';
import { succeed } from './succeed.ts';
import { task } from './task.ts';
import { wait } from './wait.ts';

export type { StateHandler } from './handler.ts';

export const stateHandlers: Record<StateType, StateHandler<State>> = {
  Pass: pass as StateHandler<State>,
  Task: task as StateHandler<State>,
  Choice: choice as StateHandler<State>,
  Wait: wait as StateHandler<State>,
  Succeed: succeed as StateHandler<State>,
  Fail: fail as StateHandler<State>,
  Parallel: parallel as StateHandler<State>,
  Map: map as StateHandler<State>,
};
