/** The one edge type of the graph: an orthogonal path along its route, with its label on it. */
import { BaseEdge, EdgeLabelRenderer, type Edge, type EdgeProps } from '@xyflow/react';
import { labelPoint, roundedPath, routePoints, type EdgeRoute } from './routes.ts';

export interface EdgeData extends Record<string, unknown> {
  route: EdgeRoute;
  /** 'taken' on an execution's path, 'faded' off it, '' when no execution is shown. */
  look: '' | 'taken' | 'faded';
  kind: string;
}

export type RoutedFlowEdge = Edge<EdgeData, 'routed'>;

export function RoutedEdge({ id, sourceX, sourceY, targetX, targetY, data, label, markerEnd }: EdgeProps<RoutedFlowEdge>) {
  const points = routePoints({ x: sourceX, y: sourceY }, { x: targetX, y: targetY }, data!.route);
  const at = labelPoint(points);
  return (
    <>
      <BaseEdge id={id} path={roundedPath(points)} markerEnd={markerEnd} />
      {label && (
        <EdgeLabelRenderer>
          <div className={`edge-label edge-label-${data!.kind} ${data!.look}`} style={{ transform: `translate(-50%, -50%) translate(${at.x}px, ${at.y}px)` }}>
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const edgeTypes = { routed: RoutedEdge };
