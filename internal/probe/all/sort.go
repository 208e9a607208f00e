package all

import "slices"

func slicesSort(p []int) { slices.Sort(p) }
