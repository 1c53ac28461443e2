/** A strict zod mirror of the parts of Grafana's dashboard schema (@grafana/schema) that bellwether's dashboards use, so a test can reject a malformed dashboard file (test-only: @grafana/schema is a dev dependency). */
import {
  type AnnotationQuery,
  AxisPlacement,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  type Dashboard,
  type DataSourceRef,
  type GridPos,
  HeatmapCellLayout,
  LegendDisplayMode,
  type Panel,
  PercentChangeColorMode,
  SortOrder,
  TableCellHeight,
  TooltipDisplayMode,
  type VariableModel,
  VisibilityMode,
  VizOrientation,
} from '@grafana/schema';
import {
  HeatmapColorMode,
  type Options as HeatmapOptions,
} from '@grafana/schema/dist/esm/raw/composable/heatmap/panelcfg/x/HeatmapPanelCfg_types.gen';
import type { Options as StatOptions } from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type { Options as TableOptions } from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen';
import type { Options as TimeSeriesOptions } from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';
import { z } from 'zod';

/** Panel plugins shipped with Grafana core that these dashboards may use. */
export const KNOWN_PANEL_TYPES = [
  'timeseries',
  'table',
  'heatmap',
  'barchart',
  'bargauge',
  'stat',
  'gauge',
  'text',
  'state-timeline',
  'piechart',
] as const;

/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;

export const dataSourceRefSchema = z.object({ type: z.string().min(1), uid: z.string().min(1) });

export const gridPosSchema = z
  .object({
    h: z.int().min(1),
    w: z.int().min(1).max(GRID_COLUMNS),
    x: z
      .int()
      .min(0)
      .max(GRID_COLUMNS - 1),
    y: z.int().min(0),
    static: z.boolean().optional(),
  })
  .refine((g) => g.x + g.w <= GRID_COLUMNS, { message: 'panel extends past the 24-column grid' });

/** The plugin's result shapes: its queryType, and the backend's format code for the same choice. */
export const TARGET_FORMATS = { timeSeries: 0, table: 1, logs: 2, traces: 3 } as const;

/** A target of the ClickHouse plugin in SQL-editor mode. */
export const clickHouseTargetSchema = z
  .looseObject({
    refId: z.string().min(1),
    datasource: dataSourceRefSchema,
    editorType: z.literal('sql'),
    queryType: z.enum(['timeSeries', 'table', 'logs', 'traces']),
    format: z.int().min(0).max(4),
    rawSql: z.string().min(1),
  })
  .refine((t) => TARGET_FORMATS[t.queryType] === t.format, {
    message: 'format code does not match queryType',
  });

const legendSchema = z.looseObject({
  displayMode: z.enum(LegendDisplayMode),
  placement: z.enum(['bottom', 'right']),
  showLegend: z.boolean(),
  calcs: z.array(z.string()),
});
const tooltipSchema = z.looseObject({
  mode: z.enum(TooltipDisplayMode),
  sort: z.enum(SortOrder),
});

/** Each panel type's options, with the fields its @grafana/schema Options type requires. */
export const panelOptionsSchemas = {
  timeseries: z.looseObject({ legend: legendSchema, tooltip: tooltipSchema }),
  table: z.looseObject({
    showHeader: z.boolean(),
    frameIndex: z.int().min(0),
    cellHeight: z.enum(TableCellHeight).optional(),
    sortBy: z.array(z.object({ displayName: z.string(), desc: z.boolean().optional() })).optional(),
  }),
  stat: z.looseObject({
    reduceOptions: z.looseObject({
      calcs: z.array(z.string()).min(1),
      fields: z.string().optional(),
      values: z.boolean().optional(),
    }),
    orientation: z.enum(VizOrientation),
    colorMode: z.enum(BigValueColorMode),
    graphMode: z.enum(BigValueGraphMode),
    justifyMode: z.enum(BigValueJustifyMode),
    textMode: z.enum(BigValueTextMode),
    wideLayout: z.boolean(),
    showPercentChange: z.boolean(),
    percentChangeColorMode: z.enum(PercentChangeColorMode),
  }),
  heatmap: z.looseObject({
    calculate: z.boolean().optional(),
    color: z.looseObject({
      mode: z.enum(HeatmapColorMode).optional(),
      scheme: z.string().min(1),
      fill: z.string().min(1),
      reverse: z.boolean(),
      exponent: z.number(),
      steps: z.int().min(2),
      min: z.number().optional(),
      max: z.number().optional(),
    }),
    exemplars: z.object({ color: z.string() }),
    legend: z.looseObject({ show: z.boolean() }),
    showValue: z.enum(VisibilityMode),
    tooltip: z.looseObject({
      mode: z.enum(TooltipDisplayMode),
      yHistogram: z.boolean().optional(),
    }),
    yAxis: z.looseObject({ axisPlacement: z.enum(AxisPlacement).optional() }),
    rowsFrame: z.looseObject({ layout: z.enum(HeatmapCellLayout).optional() }).optional(),
    cellGap: z.number().optional(),
  }),
} as const;

const panelBaseSchema = z.looseObject({
  id: z.int().min(1),
  type: z.enum(KNOWN_PANEL_TYPES),
  title: z.string().min(1),
  description: z.string().optional(),
  datasource: dataSourceRefSchema,
  gridPos: gridPosSchema,
  targets: z.array(clickHouseTargetSchema).min(1),
  fieldConfig: z
    .object({
      defaults: z.looseObject({ unit: z.string().optional() }),
      overrides: z.array(
        z.object({
          matcher: z.object({ id: z.string().min(1), options: z.unknown() }),
          properties: z.array(z.object({ id: z.string().min(1), value: z.unknown() })),
        }),
      ),
    })
    .optional(),
  options: z.record(z.string(), z.unknown()),
  maxDataPoints: z.int().min(1).optional(),
  interval: z.string().optional(),
  transformations: z.array(z.object({ id: z.string().min(1), options: z.unknown() })).optional(),
});

/** A panel whose options match its type's options schema (types without one keep free-form options). */
export const panelSchema = panelBaseSchema.superRefine((panel, ctx) => {
  const optionsSchema = (panelOptionsSchemas as Record<string, z.ZodType>)[panel.type];
  if (optionsSchema === undefined) return;
  const parsed = optionsSchema.safeParse(panel.options);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', path: ['options', ...issue.path], message: issue.message });
    }
  }
});

export const queryVariableSchema = z.looseObject({
  type: z.literal('query'),
  name: z.string().regex(/^\w+$/),
  label: z.string().optional(),
  datasource: dataSourceRefSchema,
  /** The plugin takes the SQL as a string; a first column is values, an optional second is labels. */
  query: z.string().min(1),
  definition: z.string().optional(),
  refresh: z.union([z.literal(1), z.literal(2)]),
  multi: z.boolean().optional(),
  includeAll: z.boolean().optional(),
});

export const annotationSchema = z.looseObject({
  name: z.string().min(1),
  enable: z.boolean(),
  iconColor: z.string().min(1),
  datasource: dataSourceRefSchema,
  builtIn: z.int().optional(),
  hide: z.boolean().optional(),
  /** Plugin annotation queries carry their SQL in a target, like a panel's. */
  target: clickHouseTargetSchema.optional(),
});

export const dashboardSchema = z.looseObject({
  uid: z.string().regex(/^[\w-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.int().min(36),
  version: z.int().optional(),
  editable: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  time: z.object({ from: z.string().min(1), to: z.string().min(1) }),
  refresh: z.string().optional(),
  timezone: z.string().optional(),
  panels: z.array(panelSchema).min(1),
  templating: z.object({ list: z.array(queryVariableSchema) }),
  annotations: z.object({ list: z.array(annotationSchema) }),
});

export type ParsedDashboard = z.infer<typeof dashboardSchema>;
export type ParsedPanel = z.infer<typeof panelSchema>;

// Compile-time ties to Grafana's own types: if this mirror drifts from @grafana/schema so that a
// parsed dashboard would no longer be a valid Grafana Dashboard, typecheck fails here.
type Assignable<T, U extends T> = U;
export type _DataSourceMatches = Assignable<DataSourceRef, z.infer<typeof dataSourceRefSchema>>;
export type _GridPosMatches = Assignable<GridPos, z.infer<typeof gridPosSchema>>;
export type _PanelMatches = Assignable<Panel, ParsedPanel>;
export type _VariableMatches = Assignable<VariableModel, z.infer<typeof queryVariableSchema>>;
export type _AnnotationMatches = Assignable<AnnotationQuery, z.infer<typeof annotationSchema>>;
export type _DashboardMatches = Assignable<Dashboard, ParsedDashboard>;
type OptionsOf<K extends keyof typeof panelOptionsSchemas> = z.infer<
  (typeof panelOptionsSchemas)[K]
>;
export type _TimeSeriesOptionsMatch = Assignable<TimeSeriesOptions, OptionsOf<'timeseries'>>;
export type _TableOptionsMatch = Assignable<TableOptions, OptionsOf<'table'>>;
export type _StatOptionsMatch = Assignable<StatOptions, OptionsOf<'stat'>>;
export type _HeatmapOptionsMatch = Assignable<HeatmapOptions, OptionsOf<'heatmap'>>;

/** Checks panel ids are unique and that no two panels overlap on the grid. */
export function layoutProblems(dashboard: ParsedDashboard): string[] {
  const problems: string[] = [];
  const ids = new Set<number>();
  const panels = dashboard.panels;
  for (const [i, a] of panels.entries()) {
    if (ids.has(a.id)) problems.push(`duplicate panel id ${a.id}`);
    ids.add(a.id);
    for (const b of panels.slice(i + 1)) {
      const ga = a.gridPos;
      const gb = b.gridPos;
      const overlap =
        ga.x < gb.x + gb.w && gb.x < ga.x + ga.w && ga.y < gb.y + gb.h && gb.y < ga.y + ga.h;
      if (overlap) problems.push(`panels "${a.title}" and "${b.title}" overlap`);
    }
  }
  return problems;
}
