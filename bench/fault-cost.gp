# SPDX-License-Identifier: GPL-2.0
# fault-cost.gp - emulated cycles per fault by workload/size and mode
# (bench/bench.sh: gnuplot -e "datafile='...'; outfile='...'" fault-cost.gp).
# The data file (bench/report.py): a header "label MODE...", then one line
# per workload/pages with the cycles per fault of each mode ("-": none).
# The Linux rows' plot (linux-fault-cost.png) is the same with
# plottitle='...' and one column per place (bare, pfvmm, kvm).
if (!exists("datafile")) datafile = 'bench/results/fault-cost.dat'
if (!exists("outfile")) outfile = 'bench/results/fault-cost.png'
set terminal pngcairo size 1100,560 noenhanced font ",10"
set output outfile
set datafile missing "-"
if (!exists("plottitle")) plottitle = "pfvmm: emulated cycles per guest page fault (Bochs corei7_haswell_4770; emulated cycles, not hardware time)"
set title plottitle
set ylabel "emulated cycles / fault (log scale)"
set logscale y
set yrange [100:*]	# below the cheapest fault (~1,000): every bar visible
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 nomirror
set key top left autotitle columnheader
ncols = system("head -1 '" . datafile . "' | wc -w") + 0
plot for [i=2:ncols] datafile using i:xtic(1)
