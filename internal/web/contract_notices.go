package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

// The Procurement Act 2023 notices of a contract: the page listing them, the download of a
// notice's draft OCDS release, and the form recording it as published on Find a Tender.
// The notices are derived each time the page is viewed, so a variation or a termination
// recorded since has its notice.

type contractNoticesPage struct {
	Page
	*contract.ContractNotices
}

// contractNotices lists the contract's notices due, drafted, published and late.
func (s *Server) contractNotices(c *fiber.Ctx) error {
	list, err := s.contracts.ProcurementNotices(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	data := contractNoticesPage{Page: s.page(c, "Procurement Act notices"), ContractNotices: list}
	data.Page.Back = "/contracts/" + list.Contract.ID
	return render(c, fiber.StatusOK, "contracts/notices", data)
}

// contractNoticeDraft downloads the notice's release to paste or upload to the Central
// Digital Platform; the notice becomes drafted, and the download is audited.
func (s *Server) contractNoticeDraft(c *fiber.Ctx) error {
	data, err := s.contracts.DraftNotice(c.UserContext(), c.Params("id"), c.Params("notice"), s.ocdsBuyer())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, document.ContentDisposition("notice-"+c.Params("notice")+".json"))
	return c.Send(data)
}

type noticePublishPage struct {
	Page
	Contract *contract.Contract
	Notice   *contract.ProcurementNotice
	Form     contract.PublishedForm
	Version  int
}

// noticeFor finds one of the contract's notices for its form, deriving them first.
func (s *Server) noticeFor(c *fiber.Ctx) (*contract.ContractNotices, *contract.ProcurementNotice, error) {
	list, err := s.contracts.ProcurementNotices(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, nil, err
	}
	for i := range list.Notices {
		if list.Notices[i].ID == c.Params("notice") {
			return list, &list.Notices[i], nil
		}
	}
	return nil, nil, apperr.New(apperr.NotFound, "Notice not found")
}

func (s *Server) renderNoticePublish(c *fiber.Ctx, status int, data noticePublishPage, errs map[string]string) error {
	data.Page = s.page(c, "Record as published: "+data.Notice.Type.Label())
	data.Page.Back = "/contracts/" + data.Contract.ID + "/notices"
	data.Page.Errors = fieldErrors(contract.PublishedFormOrder, errs)
	return render(c, status, "contracts/notice_publish_form", data)
}

func (s *Server) contractNoticePublishForm(c *fiber.Ctx) error {
	list, n, err := s.noticeFor(c)
	if err != nil {
		return err
	}
	f := contract.PublishedForm{NoticeID: n.NoticeIDText(), PublishedOn: form.DateInputOf(n.PublishedOn)}
	if n.PublishedOn == nil {
		today := s.contracts.Today()
		f.PublishedOn = form.DateInputOf(&today)
	}
	return s.renderNoticePublish(c, fiber.StatusOK, noticePublishPage{Contract: list.Contract, Notice: n, Form: f, Version: n.Version}, nil)
}

// contractNoticePublish records the notice id Find a Tender gave and the day it was
// published, naming the version the officer read.
func (s *Server) contractNoticePublish(c *fiber.Ctx) error {
	ctx := c.UserContext()
	list, n, err := s.noticeFor(c)
	if err != nil {
		return err
	}
	var f contract.PublishedForm
	errs := decodeForm(c, &f)
	data := noticePublishPage{Contract: list.Contract, Notice: n, Form: f, Version: formInt(c, "version")}
	if len(errs) > 0 {
		return s.renderNoticePublish(c, fiber.StatusUnprocessableEntity, data, errs)
	}
	err = s.contracts.RecordPublished(ctx, list.Contract.ID, n.ID, data.Version, f, s.ocdsBuyer())
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderNoticePublish(c, fiber.StatusUnprocessableEntity, data, fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/contracts/"+list.Contract.ID+"/notices", n.Type.Label()+" recorded as published.")
}
