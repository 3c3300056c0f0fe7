// Generated from /openapi.json by `npm run generate:client` (openapi-typescript). Do not edit.
/* eslint-disable */
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether the process is alive (answers without asking the database: a liveness probe) */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics: process metrics and HTTP requests by method, route and status */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether the process can work: database reachable, schema migrated and not newer than this release, LISTEN connection hearing notifications */
        get: operations["readiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activities/{name}/poll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take the next task of an activity, waiting for one up to waitSeconds */
        post: operations["pollActivity"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A scheduled list with its live counters and on-complete workflow */
        get: operations["describeBatch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish an event: start every workflow subscribed to it with the body as input */
        post: operations["publishEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List executions, newest first, a page at a time; starts flow control holds are listed too (held=true: only them) */
        get: operations["listExecutions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/executions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Describe an execution: status, input, output or error */
        get: operations["describeExecution"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/executions/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The history of an execution and its branches, in time order */
        get: operations["executionHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/executions/{id}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a FAILED, TIMED_OUT or ABORTED execution from the state where it ended */
        post: operations["redriveExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/executions/{id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a running execution (ABORTED) with the executions it started and the runs they scheduled; or a start flow control holds */
        post: operations["stopExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the presented key or JWT is: kind, role, claims and scopes (the dashboard checks for admin) */
        get: operations["describeIdentity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the API keys, revoked ones included (never their secrets) */
        get: operations["listKeys"];
        put?: never;
        /** Create an API key; the answer holds the key, shown this once */
        post: operations["createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key: every later request with it is refused (401) */
        delete: operations["revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/scheduled": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Scheduler: scheduled runs, Waits, task-token waits, cron fires and held starts, in due order; input.<field>=<value> filters on input fields */
        get: operations["listScheduled"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/scheduled/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Describe a scheduled run: due time, status, the execution it started */
        get: operations["describeScheduledRun"];
        put?: never;
        post?: never;
        /** Cancel a scheduled run (an execution sleeping in a Wait is stopped instead: POST /v1/executions/{id}/stop) */
        delete: operations["cancelScheduledRun"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/scheduled/{id}/run-now": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a scheduled run now, or wake an execution (and its branches) sleeping in a Wait */
        post: operations["runScheduledNow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/scheduled/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel the scheduled runs a filter selects (workflow, batch, time range, input fields), or all of them */
        post: operations["cancelScheduledRuns"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List schedules in creation order, a page at a time */
        get: operations["listSchedules"];
        put?: never;
        /** Create a recurring schedule, or update the one with the same workflow and key */
        post: operations["createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Describe a schedule with its next fire times */
        get: operations["describeSchedule"];
        put?: never;
        post?: never;
        /** Delete a schedule created through the API (executions it started run on) */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a schedule: it fires nothing until resumed */
        post: operations["pauseSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused schedule from its next tick (ticks passed while paused are not made up) */
        post: operations["resumeSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check a schedule as create would and answer its next five fire times, without saving it */
        post: operations["previewSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange an admin key (in its header) for a session cookie, nightshift_session: HttpOnly, SameSite=Strict, for 12 hours */
        post: operations["createSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/current": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Sign out: end the session of the cookie sent, server-side, and clear the cookie */
        delete: operations["endSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/table-triggers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the table triggers the deployed workflows installed, by workflow */
        get: operations["listTableTriggers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/task-tokens/{token}/failure": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Fail the waiting task (its Retry and Catch apply) */
        post: operations["sendTaskFailure"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/task-tokens/{token}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Tell the waiting task its worker is alive (restarts its HeartbeatSeconds) */
        post: operations["sendTaskHeartbeat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/task-tokens/{token}/success": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Complete the waiting task with an output */
        post: operations["sendTaskSuccess"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the deployed workflows with their current version */
        get: operations["listWorkflows"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Describe a workflow: its current definition and metadata */
        get: operations["describeWorkflow"];
        put?: never;
        post?: never;
        /** Remove a workflow: archive it (no new starts, its table triggers and file schedules gone); its executions and history stay, deploying it again restores it */
        delete: operations["removeWorkflow"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{name}/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start an execution of a workflow with the body as input */
        post: operations["startExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{name}/schedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Schedule one run (at a time or after a delay) or one run per item of a list */
        post: operations["scheduleRuns"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{name}/versions/{versionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version of a workflow: the definition an execution ran on, current or not */
        get: operations["describeWorkflowVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ActivityTask: {
            /** @description The state's effective parameters */
            input: unknown;
            /** @description Answer with it: POST /v1/task-tokens/{token}/success, /failure or /heartbeat */
            taskToken: string;
        };
        ApiKey: {
            /** @description The key may act as a privileged or unlisted role (an admin key's explicit setting) */
            allowPrivilegedRole: boolean;
            createdAt: string;
            id: string;
            /** @description Updated at most once a minute */
            lastUsedAt: string | null;
            name: string | null;
            /** @description The key starts with ns_<prefix>_ */
            prefix: string;
            rateLimitPerMinute: number | null;
            revokedAt: string | null;
            role: string;
            scopes: string[];
        };
        ApiKeyList: {
            items: components["schemas"]["ApiKey"][];
        };
        Batch: {
            batchId: string;
            cancelled: number;
            createdAt: string;
            done: boolean;
            failed: number;
            intervalSeconds: number;
            onComplete: {
                error: string | null;
                executionId: string | null;
                startedAt: string | null;
                workflow: string;
            } | null;
            /** @enum {string} */
            ordering: "parallel" | "sequential";
            running: number;
            scheduled: number;
            startAt: string;
            started: number;
            succeeded: number;
            total: number;
            workflow: string;
        };
        CreatedApiKey: {
            /** @description The key may act as a privileged or unlisted role (an admin key's explicit setting) */
            allowPrivilegedRole: boolean;
            createdAt: string;
            id: string;
            /** @description The key itself: shown this once, stored only as a hash */
            key: string;
            /** @description Updated at most once a minute */
            lastUsedAt: string | null;
            name: string | null;
            /** @description The key starts with ns_<prefix>_ */
            prefix: string;
            rateLimitPerMinute: number | null;
            revokedAt: string | null;
            role: string;
            scopes: string[];
        };
        Error: {
            error: {
                /**
                 * @description Stable; match on this, never on message
                 * @enum {string}
                 */
                code: "DEFINITION_INVALID" | "INPUT_INVALID" | "CONFIG_INVALID" | "FILE_NOT_FOUND" | "WORKFLOW_NOT_FOUND" | "EXECUTION_NOT_FOUND" | "API_KEY_NOT_FOUND" | "SCHEDULE_NOT_FOUND" | "SCHEDULED_RUN_NOT_FOUND" | "BATCH_NOT_FOUND" | "RESOURCE_NOT_FOUND" | "PAYLOAD_TOO_LARGE" | "REQUEST_TOO_LARGE" | "PAGE_LIMIT_EXCEEDED" | "INPUT_TOO_DEEP" | "LIST_TOO_LONG" | "UNAUTHORIZED" | "FORBIDDEN" | "CONFLICT" | "IDEMPOTENCY_KEY_REUSED" | "ROLE_NOT_ALLOWED" | "CHAIN_LIMIT_EXCEEDED" | "EXECUTION_NOT_RUNNING" | "WORKFLOW_ARCHIVED" | "TASK_TOKEN_NOT_FOUND" | "TASK_TOKEN_USED" | "TASK_TOKEN_EXPIRED" | "UNAVAILABLE" | "SCHEMA_TOO_NEW" | "DATABASE_UNAVAILABLE" | "PORT_IN_USE" | "RATE_LIMITED" | "STORED_FORMAT_UNKNOWN" | "INTERNAL" | "ROUTE_NOT_FOUND";
                /** @description More about the error (for INPUT_INVALID: problems, each with path and message), or null */
                details: unknown;
                message: string;
            };
        };
        Execution: {
            cause: string | null;
            error: string | null;
            executionId: string;
            /** @description The execution input */
            input: unknown;
            mode: string;
            name: string;
            /** @description The execution output once SUCCEEDED, else null */
            output: unknown;
            parentId: string | null;
            /** @description Progress the execution reported, or null */
            progress: unknown;
            redriveCount: number;
            rootId: string;
            /** @description ISO 8601 timestamp */
            startedAt: string;
            /** @enum {string} */
            status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
            stoppedAt: string | null;
            versionId: string;
            /** @description Flow control: why this start waits to be admitted (no step has run yet); absent once it runs */
            waitingReason?: string;
            /** @description Flow control: when the waiting start was asked (ISO 8601) */
            waitingSince?: string;
            workflow: string;
        };
        ExecutionPage: {
            items: components["schemas"]["Execution"][];
            /** @description Pass as cursor for the next page; null on the last page */
            nextCursor: string | null;
        };
        Health: {
            /** @constant */
            status: "ok";
            version?: string;
        };
        History: {
            items: components["schemas"]["HistoryEvent"][];
        };
        HistoryEvent: {
            /** @description Set on events of a Parallel branch or Map iteration */
            branchId?: string;
            details: {
                [key: string]: unknown;
            };
            executionId: string;
            seq: number;
            stateName: string | null;
            timestamp: string;
            type: string;
        };
        Identity: {
            /** @description The verified JWT claims, or {role} for a key */
            claims: {
                [key: string]: unknown;
            };
            keyId: string | null;
            /** @enum {string} */
            kind: "key" | "jwt" | "public";
            /** @description The Postgres role executions started by this caller act as */
            role: string;
            scopes: string[];
        };
        PublishedEvent: {
            /** @description One execution per subscribed workflow, in workflow name order; empty when nobody subscribes */
            executions: components["schemas"]["Execution"][];
        };
        Readiness: {
            checks: {
                [key: string]: {
                    detail?: string;
                    ok: boolean;
                };
            };
            /** @constant */
            status: "ready";
        };
        RemovedWorkflow: {
            /** @description When it was removed (the first removal, when removed twice) */
            archivedAt: string;
            name: string;
            /** @description Schedules its file declared; schedules made through the API stay and start nothing while it is archived */
            schedulesDeleted: number;
            /** @description Postgres triggers dropped from watched tables; changes already captured are still delivered */
            tableTriggersDropped: number;
        };
        Schedule: {
            createdAt: string;
            cron: string | null;
            every: string | null;
            input: unknown;
            key: string | null;
            /** @description Why the last due tick started nothing, if it did not */
            lastError: string | null;
            lastExecutionId: string | null;
            lastFireAt: string | null;
            /** @enum {string} */
            missed: "skip" | "run_once";
            /** @description The pending tick; null while paused */
            nextFireAt: string | null;
            /** @enum {string} */
            overlap: "skip" | "allow" | "queue";
            paused: boolean;
            scheduleId: string;
            /**
             * @description file: declared in the workflow file; api: created through this API
             * @enum {string}
             */
            source: "file" | "api";
            timezone: string;
            updatedAt: string;
            workflow: string;
        };
        ScheduledBatchCreated: {
            batchId: string;
            count: number;
            firstDueAt: string | null;
            lastDueAt: string | null;
        };
        ScheduledItem: {
            batchId?: string | null;
            /** @description wait and task-token inside a Map iteration or Parallel branch (the innermost when nested) */
            branch?: {
                /** @description The Map index of the item, or the Parallel branch index */
                index: number;
                /** @description The Map or Parallel state */
                stateName: string;
                /** @enum {string} */
                type: "Map" | "Parallel";
            };
            /** @description Due time, wake time, token expiry (null: never), next fire, or the end of a held start's debounce window (null: when a slot frees); null for unserved (when a worker that serves the resource starts) */
            dueAt: string | null;
            executionId?: string;
            /** @description scheduled-run: the run; wait: the sleeping execution or branch; task-token: <row>:<invocation>; cron: the schedule; held: the execution id the start has; unserved: <row>:<invocation> */
            id: string;
            /** @description What waits: the run's or execution's input; in a Parallel branch or Map iteration, the branch's own input (its item) */
            input: unknown;
            itemIndex?: number | null;
            key?: string | null;
            /** @enum {string} */
            kind: "scheduled-run" | "wait" | "task-token" | "cron" | "held" | "unserved";
            /** @description held: why flow control holds the start; stop it with POST /v1/executions/{executionId}/stop. unserved: waiting for a worker that serves 'render' */
            reason?: string;
            /** @description unserved: the resource the Task calls, which no running worker serves */
            resource?: string;
            stateName?: string | null;
            /** @description unserved: since when the Task waits (the order of these items) */
            waitingSince?: string;
            workflow: string;
        };
        ScheduledPage: {
            items: components["schemas"]["ScheduledItem"][];
            nextCursor: string | null;
        };
        ScheduledRun: {
            batchId: string | null;
            cancelledAt: string | null;
            createdAt: string;
            /** @description The time the run was scheduled for; run-now leaves it as it was */
            dueAt: string;
            /** @description How the started execution ended, once it has */
            endedStatus: string | null;
            /** @description Why the start was refused (the run is then CANCELLED) */
            error: string | null;
            executionId: string | null;
            input: unknown;
            itemIndex: number | null;
            /** @description The execution that scheduled it with workflow:start */
            parentId: string | null;
            /** @description When run-now made the run due ahead of dueAt (null: it waited for its time); startedAt says when it ran */
            runNowAt: string | null;
            scheduledRunId: string;
            startedAt: string | null;
            /** @enum {string} */
            status: "SCHEDULED" | "STARTED" | "CANCELLED";
            workflow: string;
        };
        ScheduledRunCreated: {
            dueAt: string;
            scheduledRunId: string;
        };
        SchedulePreview: {
            /** @description The timezone the cron expression is read in */
            timezone: string;
            /** @description The next five fire times (RFC 3339, UTC) */
            upcoming: string[];
        };
        Session: {
            /** @description When the session ends unless signed out before */
            expiresAt: string;
            identity: {
                keyId: string | null;
                kind: string;
                role: string;
                scopes: string[];
            };
        };
        SessionEnded: {
            /** @description Whether a session was there to end */
            ended: boolean;
        };
        TableTrigger: {
            /** @description The request.jwt.claims those executions carry */
            claims: {
                [key: string]: unknown;
            } | null;
            id: number;
            /** @description false when the trigger is gone from the table (dropped and re-created): deploy the workflow again */
            installed: boolean;
            operations: ("INSERT" | "UPDATE" | "DELETE")[];
            /** @description Changes captured and not delivered yet */
            pendingChanges: number;
            /** @description The role the started executions act as (privacy rules apply); null: the engine's own */
            role: string | null;
            /** @description The watched table, schema.table */
            table: string;
            /** @description The Postgres trigger on the table */
            triggerName: string;
            /** @description The SQL condition over old and new; null when every change counts */
            when: string | null;
            workflow: string;
        };
        TableTriggerList: {
            items: components["schemas"]["TableTrigger"][];
        };
        TaskTokenAnswer: {
            executionId: string;
        };
        Workflow: {
            /** @description The ASL state machine of the current version */
            definition: unknown;
            metadata: components["schemas"]["WorkflowMetadata"];
            name: string;
            versionId: string;
        };
        WorkflowList: {
            items: components["schemas"]["WorkflowSummary"][];
        };
        WorkflowMetadata: {
            auth: string;
            description: string | null;
            ignorePrivacyRules: boolean;
            /** @enum {string} */
            mode: "persistent" | "transient";
            /** @description JSON Schema of the input, or null */
            parameters: {
                [key: string]: unknown;
            } | null;
            triggers: {
                [key: string]: unknown;
            }[];
        };
        WorkflowSummary: {
            /** @description When it was removed (it starts nothing, its triggers are gone); null while deployed */
            archivedAt: string | null;
            metadata: components["schemas"]["WorkflowMetadata"] | null;
            name: string;
            updatedAt: string;
            versionId: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string;
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    readiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    pollActivity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The activity name: what follows activity: in the Task's Resource */
                name: string;
            };
            cookie?: never;
        };
        /** @description The worker's name and how long to wait (an empty body waits 20 seconds) */
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Seconds (0 to 20, default 20) to wait for a task when there is none yet */
                    waitSeconds?: number;
                    /** @description Who polls: recorded on the task it takes (activity_tasks.claimed_by) */
                    workerName?: string;
                };
            };
        };
        responses: {
            /** @description A task: do the work, then answer its token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActivityTask"];
                };
            };
            /** @description No task arrived within waitSeconds: poll again */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string;
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    describeBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The batch id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The batch */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: BATCH_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    publishEvent: {
        parameters: {
            query?: never;
            header?: {
                /** @description Yours alone (per API key, JWT subject, or anonymous caller): sending it again with the same input returns the first answer (200) instead of starting another; with another input, 409 IDEMPOTENCY_KEY_REUSED. Another caller's equal key is independent */
                "Idempotency-Key"?: string;
                /** @description W3C trace context: with tracing on, the execution's spans join this trace (a malformed value is ignored) */
                traceparent?: string;
            };
            path: {
                /** @description The event name, e.g. user.signed_up */
                name: string;
            };
            cookie?: never;
        };
        /** @description The event payload (any JSON; an empty body is {}) */
        requestBody?: {
            content: {
                "application/json": unknown;
            };
        };
        responses: {
            /** @description The executions started (with an Idempotency-Key already used: the ones it started) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublishedEvent"];
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: CONFLICT, IDEMPOTENCY_KEY_REUSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listExecutions: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page */
                cursor?: string;
                /** @description true: only starts flow control holds (with waitingReason); false: only executions that run; absent: both */
                held?: "true" | "false";
                /** @description Only the execution started with this Idempotency-Key */
                idempotencyKey?: string;
                /**
                 * @description Only executions whose input has this value at this field path (1 to 8 names joined by dots; repeat for several fields, all must match). A value that reads as a JSON number, true, false, null or a "quoted string" is that JSON value, any other text a string. Served by a GIN index (input @> {...}).
                 * @example input.user.email=a@b.com
                 */
                "input.<path>"?: string;
                /** @description Page size, from 1 to limits.maxPageSize (500 by default; above: 400 PAGE_LIMIT_EXCEEDED); default 50 */
                limit?: number;
                /** @description Only the execution of this name */
                name?: string;
                /**
                 * @description Only executions whose output has this value at this field path (1 to 8 names joined by dots; repeat for several fields, all must match). A value that reads as a JSON number, true, false, null or a "quoted string" is that JSON value, any other text a string. Served by a GIN index (output @> {...}).
                 * @example output.status=shipped
                 */
                "output.<path>"?: string;
                /** @description Only executions started at or after this RFC 3339 time */
                startedAfter?: string;
                /** @description Only executions started strictly before this RFC 3339 time */
                startedBefore?: string;
                /** @description Only executions in this status (starts flow control holds are RUNNING) */
                status?: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
                /** @description Only executions of this workflow */
                workflow?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of executions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionPage"];
                };
            };
            /** @description Error: PAGE_LIMIT_EXCEEDED, INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    describeExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The execution id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The execution */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: EXECUTION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    executionHistory: {
        parameters: {
            query?: {
                /** @description Most events to return, from 1 to limits.maxHistoryPageSize (10000 by default; above: 400 PAGE_LIMIT_EXCEEDED); default 1000 */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The execution id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The history events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["History"];
                };
            };
            /** @description Error: PAGE_LIMIT_EXCEEDED, INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: EXECUTION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    redriveExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The execution id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The redriven execution */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: EXECUTION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: CONFLICT */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    stopExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The execution id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        /** @description The error (default States.Aborted) and cause to record */
        requestBody?: {
            content: {
                "application/json": {
                    /** @description A human-readable explanation */
                    cause?: string;
                    /** @description An error name, as in a Catch ErrorEquals */
                    error?: string;
                };
            };
        };
        responses: {
            /** @description The stopped execution */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: EXECUTION_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: EXECUTION_NOT_RUNNING */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    describeIdentity: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Identity"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The key's role, scopes, and optional name and rate limit */
        requestBody: {
            content: {
                "application/json": {
                    /** @description Admin keys only, and only asked by a key that has it itself: act as the role although it is a superuser or BYPASSRLS role, or not in roles: */
                    allowPrivilegedRole?: boolean;
                    /** @description A label for people, e.g. billing-service */
                    name?: string;
                    /** @description Most executions the key may start a minute, counted across every Nightshift process; absent: limits.keyStartsPerMinute (none by default) */
                    rateLimitPerMinute?: number | null;
                    /** @description The Postgres role executions started with this key act as (row-level security applies) */
                    role: string;
                    /** @description admin (everything), read (GET routes), tasks (answer task tokens, poll activities), start:<workflow> or start:* */
                    scopes: string[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key id (a UUID), as listed */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revoked key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: API_KEY_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listScheduled: {
        parameters: {
            query?: {
                /** @description Only what is due at or after this time: an RFC 3339 time with an offset, e.g. 2030-01-31T09:00:00Z */
                after?: string;
                /** @description Only the runs of this batch */
                batchId?: string;
                /** @description Only what is due before this time: an RFC 3339 time with an offset, e.g. 2030-01-31T09:00:00Z */
                before?: string;
                /** @description The nextCursor of the previous page */
                cursor?: string;
                /** @description Only these kinds, comma-separated: scheduled-run, wait, task-token, cron, held, unserved */
                kind?: string;
                /** @description Page size, from 1 to limits.maxPageSize (500 by default; above: 400 PAGE_LIMIT_EXCEEDED); default 50 */
                limit?: number;
                /** @description Only this workflow */
                workflow?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of what is due */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduledPage"];
                };
            };
            /** @description Error: PAGE_LIMIT_EXCEEDED, INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: BATCH_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    describeScheduledRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A scheduled run id (or, for run-now, an execution id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The scheduled run */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduledRun"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: SCHEDULED_RUN_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelScheduledRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A scheduled run id (or, for run-now, an execution id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled run */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduledRun"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: SCHEDULED_RUN_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: CONFLICT */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    runScheduledNow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A scheduled run id (or, for run-now, an execution id) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What was made due now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "scheduled-run" | "wait";
                        /** @description Runs or sleeping rows made due now */
                        woken: string[];
                    };
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: SCHEDULED_RUN_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: CONFLICT */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelScheduledRuns: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A filter, or {all: true} */
        requestBody: {
            content: {
                "application/json": {
                    /** @description Runs due at or after this time: an RFC 3339 time with an offset, e.g. 2030-01-31T09:00:00Z */
                    after?: string;
                    /**
                     * @description true, alone: cancel every scheduled run
                     * @constant
                     */
                    all?: true;
                    batchId?: string;
                    /** @description Runs due before this time: an RFC 3339 time with an offset, e.g. 2030-01-31T09:00:00Z */
                    before?: string;
                    /** @description Runs whose input contains this JSON, e.g. {"user_id": 42} */
                    input?: {
                        [key: string]: unknown;
                    };
                    workflow?: string;
                };
            };
        };
        responses: {
            /** @description How many runs were cancelled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        cancelled: number;
                    };
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: BATCH_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listSchedules: {
        parameters: {
            query?: {
                /** @description The nextCursor of the previous page */
                cursor?: string;
                /** @description Only the schedule with this external key */
                key?: string;
                /** @description Page size, from 1 to limits.maxPageSize (500 by default; above: 400 PAGE_LIMIT_EXCEEDED); default 100 */
                limit?: number;
                /** @description Only schedules of this workflow */
                workflow?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of schedules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            createdAt: string;
                            cron: string | null;
                            every: string | null;
                            input: unknown;
                            key: string | null;
                            /** @description Why the last due tick started nothing, if it did not */
                            lastError: string | null;
                            lastExecutionId: string | null;
                            lastFireAt: string | null;
                            /** @enum {string} */
                            missed: "skip" | "run_once";
                            /** @description The pending tick; null while paused */
                            nextFireAt: string | null;
                            /** @enum {string} */
                            overlap: "skip" | "allow" | "queue";
                            paused: boolean;
                            scheduleId: string;
                            /**
                             * @description file: declared in the workflow file; api: created through this API
                             * @enum {string}
                             */
                            source: "file" | "api";
                            timezone: string;
                            updatedAt: string;
                            workflow: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Error: PAGE_LIMIT_EXCEEDED, INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The schedule: workflow, cron or every, and options */
        requestBody: {
            content: {
                "application/json": {
                    /** @description A 5-field or 6-field (seconds first) cron expression, e.g. "0 9 * * MON"; or give every */
                    cron?: string;
                    /** @description A fixed interval: 30s, 15m, 2h, 1d (or sums such as 1h30m); or give cron */
                    every?: string;
                    /** @description The input of every execution it starts (default {}) */
                    input?: unknown;
                    /** @description External key, unique per workflow (e.g. user:42): creating a schedule with a key that exists updates it */
                    key?: string;
                    /**
                     * @description After downtime: skip the missed ticks, or run_once for the whole missed period (default skip)
                     * @enum {string}
                     */
                    missed?: "skip" | "run_once";
                    /**
                     * @description While the previous execution runs: skip the tick, allow another, or queue it (default allow)
                     * @enum {string}
                     */
                    overlap?: "skip" | "allow" | "queue";
                    /** @description IANA timezone the cron expression is read in (default UTC) */
                    timezone?: string;
                    /** @description The workflow the schedule starts */
                    workflow: string;
                };
            };
        };
        responses: {
            /** @description The workflow had a schedule with this key: updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: WORKFLOW_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: CONFLICT */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    describeSchedule: {
        parameters: {
            query?: {
                /** @description How many next fire times to list, 0 to 100 (default 5) */
                upcoming?: number;
            };
            header?: never;
            path: {
                /** @description The schedule id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        createdAt: string;
                        cron: string | null;
                        every: string | null;
                        input: unknown;
                        key: string | null;
                        /** @description Why the last due tick started nothing, if it did not */
                        lastError: string | null;
                        lastExecutionId: string | null;
                        lastFireAt: string | null;
                        /** @enum {string} */
                        missed: "skip" | "run_once";
                        /** @description The pending tick; null while paused */
                        nextFireAt: string | null;
                        /** @enum {string} */
                        overlap: "skip" | "allow" | "queue";
                        paused: boolean;
                        scheduleId: string;
                        /**
                         * @description file: declared in the workflow file; api: created through this API
                         * @enum {string}
                         */
                        source: "file" | "api";
                        timezone: string;
                        /** @description The next fire times */
                        upcoming: string[];
                        updatedAt: string;
                        workflow: string;
                    };
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: SCHEDULE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deleted schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: SCHEDULE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: CONFLICT */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    pauseSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The paused schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: SCHEDULE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resumeSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The schedule id (a UUID) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The resumed schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: SCHEDULE_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    previewSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The schedule as it would be created */
        requestBody: {
            content: {
                "application/json": {
                    /** @description A 5-field or 6-field (seconds first) cron expression, e.g. "0 9 * * MON"; or give every */
                    cron?: string;
                    /** @description A fixed interval: 30s, 15m, 2h, 1d (or sums such as 1h30m); or give cron */
                    every?: string;
                    /** @description The input of every execution it starts (default {}) */
                    input?: unknown;
                    /** @description External key, unique per workflow (e.g. user:42): creating a schedule with a key that exists updates it */
                    key?: string;
                    /**
                     * @description After downtime: skip the missed ticks, or run_once for the whole missed period (default skip)
                     * @enum {string}
                     */
                    missed?: "skip" | "run_once";
                    /**
                     * @description While the previous execution runs: skip the tick, allow another, or queue it (default allow)
                     * @enum {string}
                     */
                    overlap?: "skip" | "allow" | "queue";
                    /** @description IANA timezone the cron expression is read in (default UTC) */
                    timezone?: string;
                    /** @description The workflow the schedule starts */
                    workflow: string;
                };
            };
        };
        responses: {
            /** @description The schedule is valid: its next fire times */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePreview"];
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: WORKFLOW_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed in: the answer sets the cookie */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    endSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionEnded"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: ROLE_NOT_ALLOWED, FORBIDDEN */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTableTriggers: {
        parameters: {
            query?: {
                /** @description Only the table triggers of this workflow */
                workflow?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every live table trigger */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TableTriggerList"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    sendTaskFailure: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The task token the state handed out as $$.Task.Token */
                token: string;
            };
            cookie?: never;
        };
        /** @description The error name (default States.TaskFailed) and cause */
        requestBody?: {
            content: {
                "application/json": {
                    /** @description A human-readable explanation */
                    cause?: string;
                    /** @description An error name, as in a Catch ErrorEquals */
                    error?: string;
                };
            };
        };
        responses: {
            /** @description The token was accepted; the execution goes on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskTokenAnswer"];
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_USED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_EXPIRED */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    sendTaskHeartbeat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The task token the state handed out as $$.Task.Token */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token was accepted; the execution goes on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskTokenAnswer"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_USED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_EXPIRED */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    sendTaskSuccess: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The task token the state handed out as $$.Task.Token */
                token: string;
            };
            cookie?: never;
        };
        /** @description The task output */
        requestBody: {
            content: {
                "application/json": {
                    /** @description The task result: any JSON value */
                    output: unknown;
                };
            };
        };
        responses: {
            /** @description The token was accepted; the execution goes on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskTokenAnswer"];
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_USED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: TASK_TOKEN_EXPIRED */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWorkflows: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every workflow */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowList"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    describeWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The workflow */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: WORKFLOW_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The workflow is archived (removing it again answers the same) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemovedWorkflow"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: WORKFLOW_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    startExecution: {
        parameters: {
            query?: {
                /** @description The execution name, unique per workflow: a second start with the same name returns the first execution */
                name?: string;
                /** @description Seconds (0 to 60) to wait for the execution to end: 200 when it ended in time, else 202 while it runs on */
                wait?: number;
            };
            header?: {
                /** @description Yours alone (per API key, JWT subject, or anonymous caller): sending it again with the same input returns the first answer (200) instead of starting another; with another input, 409 IDEMPOTENCY_KEY_REUSED. Another caller's equal key is independent */
                "Idempotency-Key"?: string;
                /** @description W3C trace context: with tracing on, the execution's spans join this trace (a malformed value is ignored) */
                traceparent?: string;
            };
            path: {
                /** @description The workflow name */
                name: string;
            };
            cookie?: never;
        };
        /** @description The execution input (any JSON; an empty body is {}) */
        requestBody?: {
            content: {
                "application/json": unknown;
            };
        };
        responses: {
            /** @description Without wait: an execution with this idempotency key or name already existed. With wait: the execution ended in time */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Started (without wait) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description With wait: still RUNNING when the time was up */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Execution"];
                };
            };
            /** @description Error: INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: WORKFLOW_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: WORKFLOW_ARCHIVED, CONFLICT, IDEMPOTENCY_KEY_REUSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: REQUEST_TOO_LARGE, PAYLOAD_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: RATE_LIMITED */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    scheduleRuns: {
        parameters: {
            query?: never;
            header?: {
                /** @description Yours alone (per API key, JWT subject, or anonymous caller): sending it again with the same input returns the first answer (200) instead of starting another; with another input, 409 IDEMPOTENCY_KEY_REUSED. Another caller's equal key is independent */
                "Idempotency-Key"?: string;
                /** @description W3C trace context: with tracing on, the execution's spans join this trace (a malformed value is ignored) */
                traceparent?: string;
            };
            path: {
                /** @description The workflow name */
                name: string;
            };
            cookie?: never;
        };
        /** @description {input, at | delaySeconds} for one run; {items, startAt?, intervalSeconds, ordering?, onComplete?} for a list */
        requestBody: {
            content: {
                "application/json": {
                    /** @description One run: when it starts: an RFC 3339 time with an offset, e.g. 2030-01-31T09:00:00Z */
                    at?: string;
                    /** @description One run: seconds from now until it starts */
                    delaySeconds?: number;
                    /** @description One run: its input (default {}), checked against the workflow parameters */
                    input?: unknown;
                    /** @description A list (required): seconds between consecutive items (0: all at once) */
                    intervalSeconds?: number;
                    /** @description A list: one run per item, the item being its input (1 to limits.maxListItems items, 100 000 by default; more: 400 LIST_TOO_LONG), each checked against the parameters */
                    items?: unknown[];
                    onComplete?: {
                        /** @description Its input; a "batch" field with the counters is added */
                        input?: {
                            [key: string]: unknown;
                        };
                        /** @description Started once when every item has ended or was cancelled */
                        workflow: string;
                    };
                    /**
                     * @description A list: parallel (default) starts each item at its time; sequential also waits for the item before to end
                     * @enum {string}
                     */
                    ordering?: "parallel" | "sequential";
                    /** @description A list: when item 0 is due (default now): an RFC 3339 time with an offset, e.g. 2030-01-31T09:00:00Z */
                    startAt?: string;
                };
            };
        };
        responses: {
            /** @description A run or batch with this Idempotency-Key existed already */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        dueAt: string;
                        scheduledRunId: string;
                    } | {
                        batchId: string;
                        count: number;
                        firstDueAt: string | null;
                        lastDueAt: string | null;
                    };
                };
            };
            /** @description Scheduled: the run (one) or the batch (a list) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        dueAt: string;
                        scheduledRunId: string;
                    } | {
                        batchId: string;
                        count: number;
                        firstDueAt: string | null;
                        lastDueAt: string | null;
                    };
                };
            };
            /** @description Error: LIST_TOO_LONG, INPUT_INVALID, INPUT_TOO_DEEP */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: WORKFLOW_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: IDEMPOTENCY_KEY_REUSED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: PAYLOAD_TOO_LARGE, REQUEST_TOO_LARGE */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: RATE_LIMITED */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    describeWorkflowVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The workflow name */
                name: string;
                /** @description The version id, as an execution names it */
                versionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            /** @description Error: INPUT_INVALID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: UNAUTHORIZED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: FORBIDDEN, ROLE_NOT_ALLOWED */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: WORKFLOW_NOT_FOUND */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: INTERNAL */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: DATABASE_UNAVAILABLE */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
