package web

import (
	"io"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/document"
	"github.com/gofiber/fiber/v2"
)

// upload is one file chosen on a form, read whole.
type upload struct {
	Name    string
	Content []byte
}

// Messages for a file that cannot be kept, worded as the GOV.UK file upload pattern words them.
const (
	msgUploadTooLarge   = "The selected file must be smaller than 10 MB"
	msgUploadUnreadable = "The selected file could not be read. Try again"
)

// readUpload reads the file chosen in field: nil and no message when none was chosen, and
// a message for the form when it cannot be kept (larger than max bytes, or unreadable).
// Every form that takes a file reads it here.
func readUpload(c *fiber.Ctx, field string, max int64) (*upload, string) {
	fh, err := c.FormFile(field)
	if err != nil || fh == nil || fh.Filename == "" {
		return nil, ""
	}
	if fh.Size > max {
		return nil, msgUploadTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return nil, msgUploadUnreadable
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, msgUploadUnreadable
	}
	if int64(len(content)) > max {
		return nil, msgUploadTooLarge
	}
	return &upload{Name: fh.Filename, Content: content}, ""
}

// readDocument is readUpload for a file the document store will keep (certificates,
// evidence, contract documents): at most document.MaxSize, and of a type the store accepts,
// so the form says what is wrong before anything is stored.
func readDocument(c *fiber.Ctx, field string) (*upload, string) {
	u, msg := readUpload(c, field, document.MaxSize)
	if u == nil {
		return nil, msg
	}
	if _, err := document.Sniff(u.Content); err != nil {
		return nil, apperr.MessageOf(err)
	}
	return u, ""
}
