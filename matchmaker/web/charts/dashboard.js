// The dashboard's charts: bars (months, districts, partners, categories) and a pie (the standard).
import { use, init, getInstanceByDom } from "echarts/core";
import { BarChart, PieChart } from "echarts/charts";
import { GridSimpleComponent, LegendPlainComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

use([BarChart, PieChart, GridSimpleComponent, LegendPlainComponent, TooltipComponent, CanvasRenderer]);
window.echarts = { init, getInstanceByDom };
