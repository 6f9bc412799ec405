// A round's chart: the sankey of proposals from communities to partners.
import { use, init, getInstanceByDom } from "echarts/core";
import { SankeyChart } from "echarts/charts";
import { TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

use([SankeyChart, TooltipComponent, CanvasRenderer]);
window.echarts = { init, getInstanceByDom };
