// Command export-checksum writes the task board to a CSV file for the monthly audit, together with a
// SHA-256 checksum file in `sha256sum` format, and verifies such a pair later.
//
//	export-checksum -data build/tasks.json -out build/exports
//	export-checksum -verify build/exports/tasks-2025-03-01.csv
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// task holds the fields of the API's Task that the audit cares about.
type task struct {
	ID             string `json:"id"`
	Title          string `json:"title"`
	AssigneeEmail  string `json:"assigneeEmail"`
	DueAt          string `json:"dueAt"`
	Done           bool   `json:"done"`
	ReminderSentAt string `json:"reminderSentAt"`
}

func main() {
	dataFile := flag.String("data", "build/tasks.json", "the API's task data file")
	outDir := flag.String("out", "build/exports", "folder for the CSV and its checksum")
	verify := flag.String("verify", "", "check this CSV against its .sha256 file instead of exporting")
	flag.Parse()

	var err error
	if *verify != "" {
		err = verifyExport(*verify)
	} else {
		err = export(*dataFile, *outDir, time.Now().UTC())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "export-checksum:", err)
		os.Exit(1)
	}
}

func export(dataFile, outDir string, now time.Time) error {
	raw, err := os.ReadFile(dataFile)
	if err != nil {
		return err
	}
	var tasks []task
	if err := json.Unmarshal(raw, &tasks); err != nil {
		return fmt.Errorf("%s: %w", dataFile, err)
	}
	// Sorted by due date, then id, so two exports of the same data are byte-identical.
	sort.Slice(tasks, func(i, j int) bool {
		if tasks[i].DueAt != tasks[j].DueAt {
			return tasks[i].DueAt < tasks[j].DueAt
		}
		return tasks[i].ID < tasks[j].ID
	})

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	csvPath := filepath.Join(outDir, "tasks-"+now.Format("2006-01-02")+".csv")
	file, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	defer file.Close()

	// Hash while writing, so the checksum covers exactly the bytes on disk.
	hash := sha256.New()
	writer := csv.NewWriter(io.MultiWriter(file, hash))
	writer.Write([]string{"id", "title", "assignee", "due_at", "done", "reminder_sent_at"})
	for _, t := range tasks {
		writer.Write([]string{t.ID, t.Title, t.AssigneeEmail, t.DueAt, strconv.FormatBool(t.Done), t.ReminderSentAt})
	}
	writer.Flush()
	if err := writer.Error(); err != nil {
		return err
	}

	sum := hex.EncodeToString(hash.Sum(nil))
	line := fmt.Sprintf("%s  %s\n", sum, filepath.Base(csvPath))
	if err := os.WriteFile(csvPath+".sha256", []byte(line), 0o644); err != nil {
		return err
	}
	fmt.Printf("exported %d tasks to %s (sha256 %s)\n", len(tasks), csvPath, sum[:12])
	return nil
}

// verifyExport recomputes the checksum of csvPath and compares it with the one recorded next to it.
func verifyExport(csvPath string) error {
	recorded, err := readChecksum(csvPath + ".sha256")
	if err != nil {
		return err
	}
	file, err := os.Open(csvPath)
	if err != nil {
		return err
	}
	defer file.Close()
	hash := sha256.New()
	if _, err := io.Copy(hash, file); err != nil {
		return err
	}
	actual := hex.EncodeToString(hash.Sum(nil))
	if actual != recorded {
		return fmt.Errorf("%s has been modified: checksum %s, recorded %s", csvPath, actual, recorded)
	}
	fmt.Printf("%s: OK\n", csvPath)
	return nil
}

func readChecksum(path string) (string, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	if !scanner.Scan() {
		return "", fmt.Errorf("%s is empty", path)
	}
	fields := strings.Fields(scanner.Text())
	if len(fields) == 0 || len(fields[0]) != sha256.Size*2 {
		return "", fmt.Errorf("%s does not start with a SHA-256 checksum", path)
	}
	return strings.ToLower(fields[0]), nil
}
