/** How each kind of graph node looks: a state, a Map or Parallel group, a Parallel branch, Start and End. */
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { VisitStatus } from './path.ts';

export interface NodeData extends Record<string, unknown> {
  name: string;
  stateType?: string;
  detail?: string;
  status?: VisitStatus;
  /** Visits of the state in the execution shown (Map iterations make several). */
  visits?: number;
  /** An execution is shown and this state was never entered. */
  dimmed?: boolean;
}

export type StateFlowNode = Node<NodeData>;

function classes(data: NodeData, base: string): string {
  return [base, data.status ? `st-${data.status}` : '', data.dimmed ? 'dimmed' : ''].join(' ');
}

const statusWords: Record<VisitStatus, string> = { active: 'in progress', succeeded: 'succeeded', failed: 'failed', caught: 'failed, caught' };

function Ports() {
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </>
  );
}

export function StateNode({ data, selected }: NodeProps<StateFlowNode>) {
  return (
    <div className={`${classes(data, 'gnode')} ${selected ? 'selected' : ''}`} data-state={data.name} data-status={data.status ?? 'none'}
      title={data.status ? `${data.name}: ${statusWords[data.status]}` : data.name}>
      <Ports />
      <div className="gnode-top">
        <span className={`gnode-type type-${data.stateType}`}>{data.stateType}</span>
        {data.visits !== undefined && data.visits > 1 && <span className="gnode-count">×{data.visits}</span>}
      </div>
      <div className="gnode-name">{data.name}</div>
      {data.detail && <div className="gnode-detail">{data.detail}</div>}
    </div>
  );
}

export function GroupNode({ data, selected }: NodeProps<StateFlowNode>) {
  return (
    <div className={`${classes(data, 'ggroup')} ${selected ? 'selected' : ''}`} data-state={data.name} data-status={data.status ?? 'none'}>
      <Ports />
      <div className="ggroup-label">
        <span className={`gnode-type type-${data.stateType}`}>{data.stateType}</span> {data.name}
        {data.detail && <span className="gnode-detail"> · {data.detail}</span>}
      </div>
    </div>
  );
}

export function BranchNode({ data }: NodeProps<StateFlowNode>) {
  return (
    <div className="gbranch">
      <Ports />
      <div className="gbranch-label">{data.name}</div>
    </div>
  );
}

export function TerminalNode({ data }: NodeProps<StateFlowNode>) {
  return (
    <div className={classes(data, 'gterminal')}>
      <Ports />
      {data.name}
    </div>
  );
}

export const nodeTypes = { state: StateNode, group: GroupNode, branch: BranchNode, start: TerminalNode, end: TerminalNode };
