import { Counter, type Registry } from 'prom-client';

export interface ApiMetrics {
  tasksCreated: Counter;
}

export function apiMetrics(registry: Registry): ApiMetrics {
  return {
    tasksCreated: new Counter({ name: 'smart_reap_tasks_created_total', help: 'Tasks created through the API', registers: [registry] }),
  };
}
